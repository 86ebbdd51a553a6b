import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversations } from '@switchboard/db';
import { lastToolName, startOpenAiToolsStandIn, type ToolsStandIn } from '../../../packages/flow/src/testing/openai-tools-stand-in';
import { botReplies, brokenItemModel, customerWrites, publishBrokenItem, setUpWorkspace, startCallback } from './ai-agent-story';
import { createTestContext, signup, type Session, type TestContext } from './helpers';
import { startServerProcess, TEST_APP_SECRET, waitFor, type ServerProcess } from './processes';
import { startShopStandIn, type ShopStandIn } from './shop-stand-in';

/**
 * The broken-item story with a worker killed (-9) mid-run: before the return's request left, and
 * after the shop stored the return but before the step committed. Either way the shop ends with
 * one return, because a step run again sends the same Idempotency-Key (`<runId>:<seq>`).
 */
const TOKEN = 'shop-token-crash-77';
let ctx: TestContext;
let owner: Session;
let model: ToolsStandIn;
let shop: ShopStandIn;
let callback: Awaited<ReturnType<typeof startCallback>>;
let channel: { id: string; secret?: string };
const workers: ServerProcess[] = [];
// Armed: the model's next decision after an order lookup hangs (the worker is killed meanwhile).
let hangAfterLookup: (() => void) | null = null;

beforeAll(async () => {
  // The worker processes unseal the AI key and the shop's token with the same APP_SECRET, and
  // only they run jobs (this process runs none), so the kills hit the run.
  ctx = await createTestContext({ appSecret: Buffer.from(TEST_APP_SECRET, 'hex') }, { jobs: 'by-hand' });
  owner = await signup(ctx.app, 'Crashmugs');
  const script = brokenItemModel();
  model = await startOpenAiToolsStandIn((req) => {
    if (hangAfterLookup && lastToolName(req) === 'lookup_order') {
      hangAfterLookup();
      hangAfterLookup = null;
      return 'hang';
    }
    return script(req);
  });
  shop = await startShopStandIn({
    token: TOKEN,
    orders: {
      '1001': { status: 'delivered', items: [{ sku: 'MUG-1', name: 'Blue mug' }] },
      '3003': { status: 'delivered', items: [{ sku: 'MUG-2', name: 'Red mug' }] },
    },
  });
  callback = await startCallback();
  channel = await setUpWorkspace(ctx, owner, {
    aiBaseUrl: model.baseUrl,
    credential: { name: 'shop', value: TOKEN, hosts: ['127.0.0.1'] },
    callbackUrl: callback.url,
  });
  await publishBrokenItem(ctx, owner, shop.baseUrl);
}, 120_000);

afterAll(async () => {
  for (const w of workers) await w.kill('SIGKILL');
  await model?.close();
  await shop?.close();
  await callback?.close();
  await ctx?.close();
});

async function startWorker() {
  const worker = await startServerProcess({ ROLE: 'worker', DATABASE_URL: ctx.database.url });
  workers.push(worker);
  return worker;
}

async function latestConversation(): Promise<string> {
  const [row] = await ctx.database.db
    .select({ id: conversations.id })
    .from(conversations)
    .where(eq(conversations.workspaceId, owner.workspaceId))
    .orderBy(desc(conversations.createdAt))
    .limit(1);
  return row!.id;
}

const repliesReach = (conversationId: string, n: number) =>
  waitFor(
    async () => {
      const r = await botReplies(ctx, conversationId);
      return r.length >= n ? r : undefined;
    },
    90_000,
    200,
  );

const recordsOf = (orderId: string, kind: 'return' | 'shipment') => shop.records.filter((r) => r.orderId === orderId && r.kind === kind);

describe('an AI agent run survives kill -9 around a tool call', () => {
  it('killed before the return request left: one return, after the customer confirms', async () => {
    const reached = new Promise<void>((resolve) => (hangAfterLookup = resolve));
    await customerWrites(ctx, channel, 'crash-1', 'My mug arrived broken, order 1001');
    const first = await startWorker();
    await reached; // the lookup committed; the worker waits on the model's next move
    await first.kill('SIGKILL');
    expect(shop.records).toEqual([]);

    await startWorker();
    const conversationId = await latestConversation();
    expect((await repliesReach(conversationId, 1))[0]).toMatch(/^Shall I create a return .*order id: 1001/);
    await customerWrites(ctx, channel, 'crash-1', 'yes');
    const replies = await repliesReach(conversationId, 2);
    await new Promise((r) => setTimeout(r, 1_000)); // anything sent twice would show by now
    expect(await botReplies(ctx, conversationId)).toEqual([replies[0], 'Your replacement is on its way! Tracking number: TRACK-1001-2']);
    expect(recordsOf('1001', 'return')).toHaveLength(1);
    expect(recordsOf('1001', 'shipment')).toHaveLength(1);
  }, 240_000);

  it('killed after the shop stored the return, before the step committed: the same key, one return', async () => {
    await customerWrites(ctx, channel, 'crash-2', 'Broken mug again, order 3003');
    const conversationId = await latestConversation();
    await repliesReach(conversationId, 1); // asked to confirm
    const held = shop.holdNext('return');
    await customerWrites(ctx, channel, 'crash-2', 'Yes');
    await held.reached; // the shop has the return; its answer never leaves
    for (const w of workers) await w.kill('SIGKILL');
    expect(recordsOf('3003', 'return')).toHaveLength(1);

    await startWorker();
    await repliesReach(conversationId, 2);
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await botReplies(ctx, conversationId)).at(-1)).toMatch(/^Your replacement is on its way! Tracking number: TRACK-3003-\d+$/);
    expect(recordsOf('3003', 'return')).toHaveLength(1);
    expect(recordsOf('3003', 'shipment')).toHaveLength(1);
    const sent = shop.requests.filter((r) => r.path === '/api/returns' && JSON.parse(r.body).order_id === '3003');
    expect(sent).toHaveLength(2);
    expect(sent[1]!.headers['idempotency-key']).toBe(sent[0]!.headers['idempotency-key']);
    expect(sent[0]!.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}:\d+$/);
  }, 240_000);
});
