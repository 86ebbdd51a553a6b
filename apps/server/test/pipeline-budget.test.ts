import { drizzle } from 'drizzle-orm/node-postgres';
import type { Database } from '@switchboard/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDeps } from '../src/context';
import { advanceRunTask } from '../src/pipeline/advance/advance-task';
import { deliverMessageTask } from '../src/pipeline/deliver';
import { routeEventTask } from '../src/pipeline/route/route-event';
import { storeInbound } from '../src/pipeline/store';
import { createChannel } from './inbox-fixtures';
import { botReplies, flow, publishFlow } from './flow-helpers';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';

/**
 * Round trips each stage of the pipeline makes for one message, counted as Postgres sees them
 * (BEGIN and COMMIT included): ceilings, so a change that adds statements to the hot path shows
 * here, without pinning their SQL. Jobs run by hand, each stage's task called with its job's
 * payload, so each count is one stage's.
 */
const BUDGET = { store: 5, routeAndFirstReply: 8, advanceOneReply: 7, deliver: 3 };

let ctx: TestContext;
let owner: Session;
let counted: AppDeps;
let statements = 0;

/** The pool, counting every statement sent on it or on a client it lends (a transaction's). */
function countingPool(pool: TestContext['database']['pool']) {
  const count = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(obj, prop, receiver) {
        const value = Reflect.get(obj, prop, receiver);
        if (prop === 'query' && typeof value === 'function') {
          return (...args: unknown[]) => {
            statements++;
            return (value as (...a: unknown[]) => unknown).apply(obj, args);
          };
        }
        if (prop === 'connect' && typeof value === 'function') {
          return async (...args: unknown[]) => count(await (value as (...a: unknown[]) => Promise<object>).apply(obj, args));
        }
        return typeof value === 'function' ? value.bind(obj) : value;
      },
    });
  return count(pool);
}

async function statementsOf(act: () => Promise<unknown>): Promise<number> {
  const before = statements;
  await act();
  return statements - before;
}

/** The route_event payload of the inbound message `providerId`, as the store stage wrote it. */
async function routePayload(providerId: string) {
  const { rows } = await ctx.database.pool.query(
    `select m.workspace_id, m.conversation_id, m.id, c.contact_id, m.channel_id from messages m join conversations c on c.id = m.conversation_id where m.provider_message_id = $1`,
    [providerId],
  );
  const m = rows[0];
  return {
    kind: 'message',
    workspaceId: m.workspace_id,
    conversationId: m.conversation_id,
    messageId: m.id,
    contactId: m.contact_id,
    channelId: m.channel_id,
    isFirstMessage: false,
    conversationOpened: false,
  };
}

async function latest(sql: string): Promise<string> {
  const { rows } = await ctx.database.pool.query(sql);
  return rows[0].id;
}

beforeAll(async () => {
  ctx = await createTestContext({}, { jobs: 'by-hand' });
  owner = await signup(ctx.app, 'Budget');
  const fullSchema = (ctx.database.db as unknown as { _: { fullSchema: Record<string, unknown> } })._.fullSchema;
  const db = drizzle(countingPool(ctx.database.pool) as never, { schema: fullSchema, casing: 'snake_case' }) as unknown as Database;
  counted = { ...ctx.deps, db };
});
afterAll(() => ctx.close());

describe('statements per pipeline stage for one message', () => {
  it('stays within each stage’s budget from a known customer’s message to the reply sent', async () => {
    const channel = await createChannel(ctx, owner, 'api', { callbackUrl: 'http://127.0.0.1:9/hook' });
    const echo = flow(
      [
        { id: 't', type: 'trigger.message_received', config: { keywords: ['price'] } },
        { id: 'say', type: 'action.send_message', config: { text: 'It costs 5' } },
      ],
      [{ source: 't', target: 'say' }],
    );
    await publishFlow(ctx, owner, echo);
    const target = { id: channel.id, workspaceId: owner.workspaceId, type: 'api' };
    const message = (id: string) => ({
      kind: 'message' as const,
      providerMessageId: id,
      externalId: 'budget-1',
      name: 'Ann',
      text: 'price?',
      attachments: [],
      timestamp: new Date(),
    });
    // The customer is known and their conversation open, as for most messages.
    await storeInbound(counted, target, message('warm-up'));
    await routeEventTask(counted, await routePayload('warm-up'));

    const store = await statementsOf(() => storeInbound(counted, target, message('measured')));
    const routeJob = await routePayload('measured');
    const route = await statementsOf(() => routeEventTask(counted, routeJob));
    const deliverPayload = { messageId: await latest(`select id from messages where direction = 'out' order by created_at desc limit 1`) };
    // The stand-in for the customer's system is not listening: the attempt fails and is recorded, as a send would be.
    const deliver = await statementsOf(() => deliverMessageTask(counted, deliverPayload));
    console.log(`[budget] store ${store}, route + first reply ${route}, deliver ${deliver}`);
    expect(store).toBeGreaterThan(0);
    expect(store).toBeLessThanOrEqual(BUDGET.store);
    expect(route).toBeLessThanOrEqual(BUDGET.routeAndFirstReply);
    expect(deliver).toBeLessThanOrEqual(BUDGET.deliver);
    const { rows } = await ctx.database.pool.query(`select conversation_id from messages where provider_message_id = 'measured'`);
    expect(await botReplies(ctx, rows[0].conversation_id)).toEqual(['It costs 5', 'It costs 5']);
  });

  it('stays within the advance stage’s budget for a webhook run that sends one reply', async () => {
    const created = await call(ctx.app, 'POST', '/api/workflows', {
      cookie: owner.cookie,
      body: {
        name: 'Hook',
        definition: flow(
          [
            { id: 't', type: 'trigger.webhook' },
            { id: 'say', type: 'action.send_message', config: { text: 'Your order shipped' } },
          ],
          [{ source: 't', target: 'say' }],
        ),
      },
    });
    const published = await call(ctx.app, 'POST', `/api/workflows/${created.body.id}/publish`, { cookie: owner.cookie, body: {} });
    expect(published.status).toBe(200);
    const detail = await call(ctx.app, 'GET', `/api/workflows/${created.body.id}`, { cookie: owner.cookie });
    const token = new URL(detail.body.webhookUrl as string).pathname.split('/').pop()!;
    const channel = await createChannel(ctx, owner, 'api', { callbackUrl: 'http://127.0.0.1:9/hook' });
    const started = await call(ctx.app, 'POST', `/webhooks/flows/${token}`, {
      body: { contact: { channelId: channel.id, externalId: 'hook-1' } },
    });
    expect(started.status).toBe(202);
    const runId = await latest(`select id from workflow_runs order by created_at desc limit 1`);
    const advance = await statementsOf(() => advanceRunTask(counted, { runId }));
    console.log(`[budget] advance (one reply) ${advance}`);
    expect(advance).toBeGreaterThan(0);
    expect(advance).toBeLessThanOrEqual(BUDGET.advanceOneReply);
  });
});
