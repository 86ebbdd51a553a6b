import { randomBytes, randomUUID } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { Logger, runOnce } from 'graphile-worker';
import { channels, messages, workflowRuns } from '@switchboard/db';
import { storeInbound } from '../src/pipeline/store';
import { taskListOf } from '../src/queue/runner';
import { createTaskList } from '../src/tasks';
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
export async function customerSays(
  ctx: TestContext,
  channel: { id: string; workspaceId: string; type: string },
  externalId: string,
  text: string,
) {
  return storeInbound(ctx.deps, channel, {
    kind: 'message',
    providerMessageId: randomUUID(),
    externalId,
    name: `Customer ${externalId}`,
    text,
    attachments: [],
    timestamp: new Date(),
  });
}

/**
 * Until every job due now has run: the context's runner runs them (waited for here), or, in a
 * context without one, this runs them (real Graphile Worker) until none is left.
 */
export async function drain(ctx: TestContext, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  if (!ctx.runner) {
    // Again while a job a run added is due: runOnce stops at the first empty fetch.
    for (;;) {
      await runOnce({ pgPool: ctx.database.pool, taskList: taskListOf(createTaskList(ctx.deps)), logger: quietLogger() });
      const { rows } = await ctx.database.pool.query(
        `select count(*)::int as n from graphile_worker.jobs where run_at <= now() and attempts < max_attempts and locked_at is null`,
      );
      if (rows[0].n === 0 || Date.now() > deadline) return;
    }
  }
  // Settled twice in a row: a job's last act may be to add the next one (a reply's delivery).
  for (let settled = 0; settled < 2; ) {
    if (Date.now() > deadline) throw new Error('jobs still due or running after the drain timeout');
    await new Promise((resolve) => setTimeout(resolve, 25));
    const { rows } = await ctx.database.pool.query(
      `select count(*)::int as n from graphile_worker.jobs where locked_at is not null or (run_at <= now() and attempts < max_attempts)`,
    );
    settled = rows[0].n === 0 ? settled + 1 : 0;
  }
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
  await ctx.database.pool.query(
    `select graphile_worker.reschedule_jobs(array(select id from graphile_worker.jobs where key = $1), run_at => now())`,
    [`wait:${runId}`],
  );
  await ctx.database.pool.query(`update run_waits set expires_at = now() where run_id = $1 and resolved_at is null`, [runId]);
}

export function quietLogger() {
  return new Logger(() => (level, message, meta) => {
    if (process.env.TEST_LOG_LEVEL && level === 'error') console.error(message, meta);
  });
}
