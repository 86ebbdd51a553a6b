/**
 * "Test connection" for Settings → AI: one short chat completion through the very `ai` service
 * flows use (the saved base URL, model and key; the egress guard), answered as the model's reply
 * or as the provider's status and short message, never a raw body. A pass is recorded in the
 * workspace settings with what it tested, which is what "AI connected" means in the app.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { findRefusal } from '@switchboard/egress';
import { workspaces } from '@switchboard/db';
import { AiNotConnectedError } from '@switchboard/flow';
import { AiProviderError } from '@switchboard/flow/runtime';
import { eq } from 'drizzle-orm';
import type { AppDeps } from '../../context';
import { createFlowServices, DEFAULT_AI_MODEL } from '../../flows/flow-services';
import { aiTestStamp, loadAiKey, type AiTested } from '../../services/ai-status';
import { aiHost } from '../../services/credentials';
import { audit } from '../../services/audit';
import { ApiError, notFound } from '../errors';
import { requireRole } from '../middleware/auth/index';
import { cookieAuth, errors, json } from '../openapi-helpers';
import { createPerMinuteLimit } from '../per-minute-limit';
import { createRouter } from '../router';

/** Under the API's own 30 s deadline, so a slow provider gets words, not a 503. */
export const AI_TEST_TIMEOUT_MS = 20_000;
/** Tests one workspace may run per minute (each one spends the owner's tokens). */
export const AI_TESTS_PER_MINUTE = 10;
const MAX_REPLY = 500;
const PROMPT = [
  { role: 'system' as const, content: 'This is a connection test from a customer chat app. Answer with one short, friendly sentence.' },
  { role: 'user' as const, content: 'Hello! Can you hear me?' },
];

const AiTestResult = z
  .object({
    ok: z.boolean(),
    model: z.string(),
    reply: z.string().optional().openapi({ description: "The model's answer (when ok)" }),
    status: z.number().int().optional().openapi({ description: "The provider's HTTP status (when it answered with an error)" }),
    message: z.string().optional().openapi({ description: 'What went wrong, in words (when not ok)' }),
    testedOkAt: z.string().optional().openapi({ description: 'When this passing test ran' }),
  })
  .openapi('AiTestResult');
type AiTestResult = z.infer<typeof AiTestResult>;

const route = createRoute({
  method: 'post',
  path: '/test',
  tags: ['Workspace'],
  summary: 'Test the AI connection with the saved settings (admin)',
  description:
    'Sends one short chat completion through the AI service flows use. Answers 200 either way: `ok` with the reply, or the status and message.',
  security: cookieAuth,
  responses: { 200: json(AiTestResult), ...errors(401, 403, 429) },
});

export function aiTestRoutes(deps: AppDeps) {
  const { db, config } = deps;
  const perWorkspace = createPerMinuteLimit(AI_TESTS_PER_MINUTE);
  const router = createRouter();
  router.use('*', requireRole('admin'));
  return router.openapi(route, async (c) => {
    const { workspaceId } = c.var.auth;
    const retryAfter = perWorkspace.hit(workspaceId);
    if (retryAfter !== null) {
      throw new ApiError(
        429,
        'rate_limited',
        `At most ${AI_TESTS_PER_MINUTE} connection tests a minute; retry after ${retryAfter} s.`,
        undefined,
        { 'Retry-After': String(retryAfter) },
      );
    }
    const [workspace] = await db.select().from(workspaces).where(eq(workspaces.id, workspaceId));
    if (!workspace) throw notFound('Workspace');
    const ai = workspace.settings.ai;
    const key = await loadAiKey(db, workspaceId);
    const model = ai?.model ?? DEFAULT_AI_MODEL;
    const stamp = aiTestStamp(ai, key);

    let result: AiTestResult;
    if (!key && !ai?.baseUrl) {
      result = { ok: false, model, message: 'Enter your API key first, then test the connection.' };
    } else {
      const services = createFlowServices({ db, config, workspaceId, settings: workspace.settings, data: noFlowData });
      const timeout = AbortSignal.timeout(AI_TEST_TIMEOUT_MS);
      try {
        const reply = (await services.ai({ messages: PROMPT, signal: AbortSignal.any([timeout, c.req.raw.signal]) }))
          .trim()
          .slice(0, MAX_REPLY);
        result = reply
          ? { ok: true, model, reply, testedOkAt: new Date().toISOString() }
          : { ok: false, model, message: `The service answered, but with no text. Check the model name ("${model}").` };
      } catch (err) {
        result = { ok: false, model, ...failure(err, timeout.aborted, aiHost(ai?.baseUrl)) };
      }
    }
    await record(deps, workspaceId, result.testedOkAt ? { ...stamp, okAt: result.testedOkAt } : null);
    await audit(db, c.var.auth, result.ok ? 'workspace.ai_test_passed' : 'workspace.ai_test_failed', {
      type: 'workspace',
      id: workspaceId,
    });
    return c.json(result, 200);
  });
}

const noFlowData = () => {
  throw new Error('A connection test renders no flow data');
};

/** The failure in words: the provider's status and short reason, a refusal, or a plain hint. */
function failure(err: unknown, timedOut: boolean, host: string): { status?: number; message: string } {
  if (timedOut) return { message: `The AI provider did not answer within ${AI_TEST_TIMEOUT_MS / 1000} seconds.` };
  if (err instanceof AiProviderError) return { status: err.status, message: err.message };
  const refusal = findRefusal(err);
  if (refusal) return { message: `${refusal.message}. The server's operator can allow it with EGRESS_ALLOW.` };
  if (err instanceof AiNotConnectedError) return { message: err.message };
  // The client's own words for timeouts and unreachable hosts; anything else (an answer that is
  // not a chat completion) is described, not quoted.
  if (err instanceof Error && err.message.startsWith('The AI provider')) return { message: err.message };
  return {
    message: `The service at ${host} did not answer like an OpenAI-compatible chat API. Check the base URL (it usually ends in /v1).`,
  };
}

/** Keeps the passing test's record, or removes it after a failure: "connected" means the last test passed. */
async function record(deps: AppDeps, workspaceId: string, tested: AiTested | null): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const [row] = await tx.select({ settings: workspaces.settings }).from(workspaces).where(eq(workspaces.id, workspaceId)).for('update');
    if (!row) return;
    const { tested: previous, ...ai } = row.settings.ai ?? {};
    if (!tested && !previous) return;
    const next = tested ? { ...ai, tested } : ai;
    await tx
      .update(workspaces)
      .set({ settings: { ...row.settings, ai: next } })
      .where(eq(workspaces.id, workspaceId));
  });
}
