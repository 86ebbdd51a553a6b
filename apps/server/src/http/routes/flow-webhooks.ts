import { createRoute, z } from '@hono/zod-openapi';
import { and, eq, isNull } from 'drizzle-orm';
import { workflows, workflowVersions } from '@switchboard/db';
import type { FlowDocument } from '@switchboard/flow';
import type { AppDeps } from '../../context';
import { ContactSelector } from '../../flows/contact-selector';
import { startWebhookRun } from '../../flows/start-webhook-run';
import { ApiError, notFound } from '../errors';
import { createPerMinuteLimit } from '../per-minute-limit';
import { errors, json } from '../openapi-helpers';
import { createRouter } from '../router';

const route = createRoute({
  method: 'post',
  path: '/{token}',
  tags: ['Webhooks'],
  summary: 'Start a published webhook-triggered flow; the JSON body is `trigger.body`',
  description:
    'An optional `contact` selector ({id} | {channelId, externalId, name?} | {phone} | {email}) names whom the flow talks to; a conversation is opened when there is none.',
  request: {
    params: z.object({
      token: z
        .string()
        .min(10)
        .max(100)
        .openapi({ param: { name: 'token', in: 'path' } }),
    }),
    body: { required: false, content: { 'application/json': { schema: z.object({ contact: ContactSelector.optional() }).passthrough() } } },
  },
  responses: { 202: json(z.object({ runId: z.string() }), 'Run started'), ...errors(400, 404, 413, 429) },
});

/**
 * Runs one webhook token may start per minute: a caller (or a flow calling its own webhook from an
 * HTTP step) cannot turn one token into an unbounded stream of runs. Counted per API process.
 */
export const MAX_WEBHOOK_RUNS_PER_MINUTE = 60;

export function flowWebhookRoutes(deps: AppDeps) {
  const { db } = deps;
  const perToken = createPerMinuteLimit(MAX_WEBHOOK_RUNS_PER_MINUTE);
  return createRouter().openapi(route, async (c) => {
    const { token } = c.req.valid('param');
    const body = c.req.valid('json') ?? {};
    const [flow] = await db
      .select({
        id: workflows.id,
        workspaceId: workflows.workspaceId,
        name: workflows.name,
        versionId: workflowVersions.id,
        definition: workflowVersions.definition,
      })
      .from(workflows)
      .innerJoin(workflowVersions, eq(workflowVersions.id, workflows.activeVersionId))
      .where(and(eq(workflows.webhookToken, token), eq(workflows.status, 'active'), isNull(workflows.deletedAt)));
    const definition = flow?.definition as unknown as FlowDocument | undefined;
    const trigger = definition?.nodes.find((n) => n.type === 'trigger.webhook');
    if (!flow || !definition || !trigger) throw notFound('Active webhook flow');
    const retryAfter = perToken.hit(flow.id);
    if (retryAfter !== null) {
      throw new ApiError(
        429,
        'rate_limited',
        `This webhook already started ${MAX_WEBHOOK_RUNS_PER_MINUTE} runs in the last minute, the most allowed; retry after ${retryAfter} s.`,
        undefined,
        { 'Retry-After': String(retryAfter) },
      );
    }
    const flowOfRun = { workflowId: flow.id, versionId: flow.versionId, name: flow.name, definition, trigger };
    const run = await startWebhookRun(db, { workspaceId: flow.workspaceId, flow: flowOfRun, contact: body.contact, body });
    return c.json({ runId: run.id }, 202);
  });
}
