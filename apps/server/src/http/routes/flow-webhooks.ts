import { createRoute, z } from '@hono/zod-openapi';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { workflows, workflowVersions } from '@switchboard/db';
import type { FlowDocument } from '@switchboard/flow';
import type { AppDeps } from '../../context';
import { ContactSelector, resolveContactSelector } from '../../flows/contact-selector';
import { runQueue } from '../../flows/queues';
import { flowContextColumns, flowContextOf, type FlowContextRow } from '../../flows/run-context';
import { startRun } from '../../flows/start-run';
import type { StartedRun } from '../../jobs/advance-run';
import type { TASKS } from '../../jobs/index';
import { ADDED_JOB_COLUMNS, addJobCtes, type AddedJob } from '../../jobs/inline-job-statements';
import { notFound } from '../errors';
import { errors, json } from '../openapi-helpers';
import { createRouter } from '../router';

const route = createRoute({
  method: 'post',
  path: '/{token}',
  tags: ['Webhooks'],
  summary: 'Start a published webhook-triggered flow; the JSON body is `trigger.body`',
  description: 'An optional `contact` selector ({id} | {channelId, externalId, name?} | {phone} | {email}) names whom the flow talks to; a conversation is opened when there is none.',
  request: {
    params: z.object({ token: z.string().min(10).max(100).openapi({ param: { name: 'token', in: 'path' } }) }),
    body: { required: false, content: { 'application/json': { schema: z.object({ contact: ContactSelector.optional() }).passthrough() } } },
  },
  responses: { 202: json(z.object({ runId: z.string() }), 'Run started'), ...errors(400, 404, 413) },
});

const ADVANCE_RUN_TASK: (typeof TASKS)['advanceRun'] = 'advance_run';

export function flowWebhookRoutes(deps: AppDeps) {
  const { db } = deps;
  return createRouter().openapi(route, async (c) => {
    const { token } = c.req.valid('param');
    const body = c.req.valid('json') ?? {};
    const [flow] = await db
      .select({ id: workflows.id, workspaceId: workflows.workspaceId, name: workflows.name, versionId: workflowVersions.id, definition: workflowVersions.definition })
      .from(workflows)
      .innerJoin(workflowVersions, eq(workflowVersions.id, workflows.activeVersionId))
      .where(and(eq(workflows.webhookToken, token), eq(workflows.status, 'active'), isNull(workflows.deletedAt)));
    const definition = flow?.definition as unknown as FlowDocument | undefined;
    const trigger = definition?.nodes.find((n) => n.type === 'trigger.webhook');
    if (!flow || !definition || !trigger) throw notFound('Active webhook flow');
    // The run's first activation is an advance_run job this process runs itself when it has room
    // (see InlineJobs), instead of a NOTIFY and a worker's fetch.
    const inline = deps.inlineJobs;
    const taker = inline ? await inline.taker() : null;
    let job: (AddedJob & Partial<FlowContextRow>) | undefined;
    const run = await db.transaction(async (tx) => {
      const target = body.contact ? await resolveContactSelector(tx, flow.workspaceId, body.contact) : { contactId: null, conversationId: null };
      const started = await startRun(tx, {
        workspaceId: flow.workspaceId,
        flow: { workflowId: flow.id, versionId: flow.versionId, name: flow.name, definition, trigger },
        ...target,
        trigger: { kind: 'webhook', body },
      });
      const source = sql`(select ${JSON.stringify({ runId: started.id })}::json as payload, ${runQueue(started)}::text as queue_name) as source`;
      // A job this process will run reads the run's flow context here, so its first step reads nothing.
      const context = taker?.lock ? sql`, ${flowContextColumns(started, null)}` : sql``;
      [job] = (await tx.execute<AddedJob & Partial<FlowContextRow>>(sql`with ${addJobCtes(ADVANCE_RUN_TASK, source, taker)} select ${ADDED_JOB_COLUMNS}${context}`)).rows;
      return started;
    }).catch((err: unknown) => {
      if (taker) inline?.dropped(taker);
      throw err;
    });
    const local: StartedRun | undefined = job?.workspace ? { run, context: flowContextOf(job as FlowContextRow, run) } : undefined;
    if (taker) inline?.added(ADVANCE_RUN_TASK, job, taker, local);
    return c.json({ runId: run.id }, 202);
  });
}
