import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversations, messages } from '@switchboard/db';
import { startOpenAiToolsStandIn, type ToolsStandIn } from '../../../packages/flow/src/testing/openai-tools-stand-in';
import {
  botReplies,
  brokenItemModel,
  customerWrites,
  drain,
  publishBrokenItem,
  runsOf,
  setUpWorkspace,
  startCallback,
} from './ai-agent-story';
import { flow, publishFlow } from './flow-helpers';
import { routeEvent } from '../src/pipeline/route/route-event';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { startShopStandIn, type ShopStandIn } from './shop-stand-in';

/**
 * The customer writes while the AI agent is working (a slow shop lookup in flight, its run
 * `running`, not waiting): the agent's next model call includes that message, no other flow
 * answers it, and run history shows it was heard.
 */
const TOKEN = 'shop-token-hears-31';
const CORRECTION = "actually it's order 5678";

let ctx: TestContext;
let owner: Session;
let model: ToolsStandIn;
let shop: ShopStandIn;
let callback: Awaited<ReturnType<typeof startCallback>>;
let channel: { id: string; secret?: string };
let agentFlowId: string;
let orderDeskId: string;
let hoursId: string;

beforeAll(async () => {
  ctx = await createTestContext();
  owner = await signup(ctx.app, 'Hearing mugs');
  model = await startOpenAiToolsStandIn(brokenItemModel());
  shop = await startShopStandIn({
    token: TOKEN,
    orders: { '5678': { status: 'delivered', items: [{ sku: 'MUG-9', name: 'Green mug' }] } },
  });
  callback = await startCallback();
  channel = await setUpWorkspace(ctx, owner, {
    aiBaseUrl: model.baseUrl,
    credential: { name: 'shop', value: TOKEN, hosts: ['127.0.0.1'] },
    callbackUrl: callback.url,
  });
  ({ workflowId: agentFlowId } = await publishBrokenItem(ctx, owner, shop.baseUrl));
  // A live flow the correction would start if routing handed it out: it says "order".
  orderDeskId = await publishFlow(
    ctx,
    owner,
    flow(
      [
        { id: 't', type: 'trigger.message_received', config: { keywords: ['order'] } },
        { id: 's', type: 'action.send_message', config: { text: 'Order desk here!' } },
      ],
      [{ source: 't', target: 's' }],
    ),
    'Order desk',
  );
  hoursId = await publishFlow(
    ctx,
    owner,
    flow(
      [
        { id: 't', type: 'trigger.message_received', config: { keywords: ['hours'] } },
        { id: 's', type: 'action.send_message', config: { text: 'We open at 9.' } },
      ],
      [{ source: 't', target: 's' }],
    ),
    'Opening hours',
  );
}, 120_000);

afterAll(async () => {
  await model?.close();
  await shop?.close();
  await callback?.close();
  await ctx?.close();
});

async function latestConversation(): Promise<string> {
  const [row] = await ctx.database.db
    .select({ id: conversations.id })
    .from(conversations)
    .where(eq(conversations.workspaceId, owner.workspaceId))
    .orderBy(desc(conversations.createdAt))
    .limit(1);
  return row!.id;
}

const userTexts = (i: number) => model.requests[i]!.messages.filter((m) => m.role === 'user').map((m) => m.content);

describe('an AI agent hears what the customer writes while it works', () => {
  it('takes a correction sent during a slow tool call into its next model call', async () => {
    const slow = shop.slowNextLookup();
    await customerWrites(ctx, channel, 'hears-1', 'My mug arrived broken, order 1234');
    await slow.reached; // the agent's lookup of 1234 is in flight; its run is running, not waiting
    const [working] = await runsOf(ctx, agentFlowId);
    expect(working).toMatchObject({ status: 'running', currentNodeId: 'agent' });
    expect(model.requests).toHaveLength(1);

    await customerWrites(ctx, channel, 'hears-1', CORRECTION);
    slow.answer(); // the shop answers: no order 1234
    await drain(ctx);

    // The model call after the lookup's result carries the correction, after the tool's answer.
    const next = model.requests[1]!;
    expect(next.messages.at(-2)).toMatchObject({ role: 'tool', content: expect.stringContaining('"status":404') });
    expect(next.messages.at(-1)).toEqual({ role: 'user', content: CORRECTION });
    // So the agent looked up 5678 and asks about that order.
    const conversationId = await latestConversation();
    expect(await botReplies(ctx, conversationId)).toEqual([
      'Shall I create a return for a broken item of an order (order id: 5678, reason: arrived broken)? Please answer yes or no.',
    ]);

    // No other flow answered it, and the agent did not hear it a second time as a reply.
    expect(await runsOf(ctx, orderDeskId)).toEqual([]);
    const runs = await runsOf(ctx, agentFlowId);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'waiting', currentNodeId: 'agent' });
    expect(model.requests).toHaveLength(3); // 1234 lookup, the correction, 5678 looked up
    expect(userTexts(2).filter((t) => t === CORRECTION)).toHaveLength(1);
    const [stored] = await ctx.database.db
      .select({ meta: messages.meta, routedAt: messages.routedAt })
      .from(messages)
      .where(and(eq(messages.conversationId, conversationId), eq(messages.text, CORRECTION)));
    expect(stored!.routedAt).not.toBeNull();
    expect(stored!.meta).toMatchObject({ heardBy: runs[0]!.id });

    // Run history shows the step that heard it.
    const detail = await call(ctx.app, 'GET', `/api/runs/${runs[0]!.id}`, { cookie: owner.cookie });
    expect(detail.status).toBe(200);
    const steps = detail.body.steps as {
      nodeId: string;
      output: { detail?: { heard?: string[]; asked?: { tool: string; arguments: string }[] } };
    }[];
    const heardStep = steps.find((s) => s.output.detail?.heard);
    expect(heardStep?.output.detail).toMatchObject({
      heard: [CORRECTION],
      asked: [{ tool: 'lookup_order', arguments: JSON.stringify({ order_id: '5678' }) }],
    });

    // The confirmation is still answered through the ordinary resume: one return, for 5678.
    await customerWrites(ctx, channel, 'hears-1', 'yes');
    await drain(ctx);
    expect((await botReplies(ctx, conversationId)).at(-1)).toBe('Your replacement is on its way! Tracking number: TRACK-5678-2');
    expect(shop.records.map((r) => [r.kind, r.orderId])).toEqual([
      ['return', '5678'],
      ['shipment', '5678'],
    ]);
    expect((await runsOf(ctx, agentFlowId))[0]).toMatchObject({ status: 'completed' });
    expect(await runsOf(ctx, orderDeskId)).toEqual([]);
  }, 60_000);

  /**
   * The message reaches routing while the agent's run is still running (its job failed and was
   * retried after the next message's, or a worker died mid-run): routing itself leaves it for the run.
   */
  async function routeNow(text: string) {
    const conversationId = await latestConversation();
    const [m] = await ctx.database.db
      .select()
      .from(messages)
      .where(and(eq(messages.conversationId, conversationId), eq(messages.text, text)));
    const [conversation] = await ctx.database.db.select().from(conversations).where(eq(conversations.id, conversationId));
    return routeEvent(ctx.deps, ctx.deps.activeFlows, {
      kind: 'message',
      workspaceId: owner.workspaceId,
      conversationId,
      messageId: m!.id,
      contactId: conversation!.contactId,
      channelId: conversation!.channelId,
      isFirstMessage: false,
      conversationOpened: false,
    });
  }

  it('routing leaves a message for the agent run that is working: no other flow starts', async () => {
    const slow = shop.slowNextLookup();
    await customerWrites(ctx, channel, 'hears-2', 'Broken mug, order 4321');
    await slow.reached;
    const working = (await runsOf(ctx, agentFlowId)).at(-1)!;
    expect(working.status).toBe('running');

    await customerWrites(ctx, channel, 'hears-2', CORRECTION);
    expect(await routeNow(CORRECTION)).toEqual([]); // nothing started
    slow.answer();
    await drain(ctx);

    const conversationId = await latestConversation();
    const [stored] = await ctx.database.db
      .select({ meta: messages.meta })
      .from(messages)
      .where(and(eq(messages.conversationId, conversationId), eq(messages.text, CORRECTION)));
    expect(stored!.meta).toMatchObject({ leftForRun: working.id, heardBy: working.id });
    const heardIn = model.requests.filter(
      (r) =>
        r.messages.some((m) => m.role === 'user' && m.content === CORRECTION) &&
        r.messages.some((m) => m.content === 'Broken mug, order 4321'),
    );
    expect(heardIn.length).toBeGreaterThan(0);
    expect(heardIn.every((r) => r.messages.filter((m) => m.content === CORRECTION).length === 1)).toBe(true);
    expect((await botReplies(ctx, conversationId)).at(-1)).toMatch(/order id: 5678/);
    expect(await runsOf(ctx, orderDeskId)).toEqual([]);
    expect((await runsOf(ctx, agentFlowId)).filter((r) => r.conversationId === conversationId)).toHaveLength(1);
  }, 60_000);

  it("another flow's exact keyword interrupts the working agent, as it would a question", async () => {
    const slow = shop.slowNextLookup();
    await customerWrites(ctx, channel, 'hears-3', 'My mug is cracked, order 9999');
    await slow.reached;
    const working = (await runsOf(ctx, agentFlowId)).at(-1)!;
    expect(working.status).toBe('running');

    await customerWrites(ctx, channel, 'hears-3', 'Hours?');
    const started = await routeNow('Hours?');
    expect(started).toHaveLength(1);
    slow.answer();
    await drain(ctx);

    const conversationId = await latestConversation();
    expect((await runsOf(ctx, agentFlowId)).find((r) => r.id === working.id)).toMatchObject({
      status: 'cancelled',
      error: 'Interrupted by Opening hours',
    });
    expect(await runsOf(ctx, hoursId)).toEqual([expect.objectContaining({ id: started[0], status: 'completed', conversationId })]);
    expect(await botReplies(ctx, conversationId)).toEqual(['We open at 9.']);
  }, 60_000);
});
