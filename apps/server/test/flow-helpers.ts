import { randomBytes, randomUUID } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { Logger, runOnce } from 'graphile-worker';
import { channels, messages, workflowRuns } from '@switchboard/db';
import { createTaskList } from '../src/jobs/index';
import { ingestInbound } from '../src/inbox/ingest';
import { call, type Session, type TestContext } from './helpers';

type Node = { id: string; type: string; config?: Record<string, unknown>; position?: { x: number; y: number } };
type Edge = { source: string; target: string; sourceHandle?: string };

/** A flow document from a terse list of nodes and edges. */
export function flow(nodes: Node[], edges: Edge[]) {
  return {
    schemaVersion: 1,
    nodes: nodes.map((n, i) => ({ position: { x: 0, y: i * 120 }, config: {}, ...n })),
    edges: edges.map((e, i) => ({ id: `e${i}`, ...e })),
  };
}

/** Creates and publishes a flow through the real API; fails loudly on validation errors. */
export async function publishFlow(ctx: TestContext, owner: Session, definition: unknown, name = 'Test flow'): Promise<string> {
  const created = await call(ctx.app, 'POST', '/api/workflows', { cookie: owner.cookie, body: { name, definition } });
  if (created.status !== 201) throw new Error(`create failed: ${JSON.stringify(created.body)}`);
  const published = await call(ctx.app, 'POST', `/api/workflows/${created.body.id}/publish`, { cookie: owner.cookie });
  if (published.status !== 200) throw new Error(`publish failed: ${JSON.stringify(published.body)}`);
  return created.body.id as string;
}

/** A website-chat channel: delivery needs no provider, so tests see exactly what the flow sent. */
export async function createWebchat(ctx: TestContext, workspaceId: string) {
  const [row] = await ctx.database.db
    .insert(channels)
    .values({ workspaceId, type: 'webchat', name: 'Website', config: {}, inboundToken: randomBytes(12).toString('hex') })
    .returning();
  return { id: row!.id, workspaceId, type: 'webchat' };
}

/** A customer message arriving on the channel, stored exactly as a webhook would store it. */
export async function customerSays(ctx: TestContext, channel: { id: string; workspaceId: string; type: string }, externalId: string, text: string) {
  return ingestInbound(ctx.deps, channel, {
    kind: 'message',
    providerMessageId: randomUUID(),
    externalId,
    name: `Customer ${externalId}`,
    text,
    attachments: [],
    timestamp: new Date(),
  });
}

/** Runs every job that is due now (real Graphile Worker), until none is left. */
export async function drain(ctx: TestContext) {
  await runOnce({ pgPool: ctx.database.pool, taskList: createTaskList(ctx.deps), logger: quietLogger() });
}

export async function botReplies(ctx: TestContext, conversationId: string): Promise<string[]> {
  const rows = await ctx.database.db
    .select({ text: messages.text, author: messages.author, private: messages.private })
    .from(messages)
    .where(eq(messages.conversationId, conversationId))
    .orderBy(asc(messages.createdAt));
  return rows.filter((r) => r.author === 'bot' && !r.private).map((r) => r.text);
}

export async function runsOf(ctx: TestContext, workflowId: string) {
  return ctx.database.db.select().from(workflowRuns).where(eq(workflowRuns.workflowId, workflowId)).orderBy(asc(workflowRuns.createdAt));
}

/** Makes a durable timer (delay or question timeout) due now, as if its time had passed. */
export async function expireTimers(ctx: TestContext, runId: string) {
  await ctx.database.pool.query(`update graphile_worker._private_jobs set run_at = now() where key = $1`, [`wait:${runId}`]);
  await ctx.database.pool.query(`update run_waits set expires_at = now() where run_id = $1 and resolved_at is null`, [runId]);
}

/** The texts of the statements sent through the pool's own query (one-shot, not transactions) while `act` runs. */
export async function statementsWhile(pool: { query: unknown }, act: () => Promise<unknown>): Promise<string[]> {
  const texts: string[] = [];
  const query = (pool.query as (...args: unknown[]) => unknown).bind(pool);
  pool.query = (config: unknown, ...rest: unknown[]) => {
    texts.push(typeof config === 'string' ? config : ((config as { text?: string }).text ?? ''));
    return query(config, ...rest);
  };
  try {
    await act();
  } finally {
    pool.query = query;
  }
  return texts;
}

export function quietLogger() {
  return new Logger(() => (level, message, meta) => {
    if (process.env.TEST_LOG_LEVEL && level === 'error') console.error(message, meta);
  });
}
