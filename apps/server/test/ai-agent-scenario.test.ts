import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contacts, conversations } from '@switchboard/db';
import {
  lastMessage,
  lastToolName,
  startOpenAiToolsStandIn,
  type ScriptedAnswer,
  type ToolsStandIn,
  type WireRequest,
} from '../../../packages/flow/src/testing/openai-tools-stand-in';
import { botReplies, customerWrites, drain, orderNumber, runsOf, setUpWorkspace, startCallback, toolResult } from './ai-agent-story';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { startShopStandIn, type ShopStandIn } from './shop-stand-in';

/**
 * A second shop written as a flow file against the documented config contract (other tool names,
 * body templates, an action tool, two tool calls in one model answer), imported through the import
 * API and run end to end through the `api` channel's webhook.
 */
const TOKEN = 'plants-key-71d0c3';
const FILE = new URL('./fixtures/plant-shop-agent.json', import.meta.url);

// The plant shop's model: find the purchase, file the claim, then tag and dispatch in one answer.
function plantModel(req: WireRequest): ScriptedAnswer {
  const ref = orderNumber(req);
  if (lastMessage(req).role === 'user')
    return ref ? { toolCalls: [{ name: 'get_purchase', arguments: { purchase_ref: ref } }] } : { content: 'Which purchase reference?' };
  const tool = lastToolName(req);
  if (tool === 'get_purchase')
    return { toolCalls: [{ name: 'file_claim', arguments: { purchase_ref: ref, problem: 'pot "cracked" in transit' } }] };
  if (tool === 'file_claim')
    return {
      content: 'Claim filed, sending a new pot now.',
      toolCalls: [
        { name: 'tag_claim', arguments: {} },
        { name: 'dispatch_item', arguments: { purchase_ref: ref } },
      ],
    };
  if (tool === 'dispatch_item')
    return {
      toolCalls: [
        { name: 'resolve', arguments: { message: `A new pot is on its way, tracking ${String(toolResult(req)?.body?.tracking_number)}.` } },
      ],
    };
  return { toolCalls: [{ name: 'handoff', arguments: { reason: `unexpected after ${tool}` } }] };
}

let ctx: TestContext;
let owner: Session;
let model: ToolsStandIn;
let shop: ShopStandIn;
let callback: Awaited<ReturnType<typeof startCallback>>;
let channel: { id: string; secret?: string };

beforeAll(async () => {
  ctx = await createTestContext();
  owner = await signup(ctx.app, 'Plants');
  model = await startOpenAiToolsStandIn(plantModel);
  shop = await startShopStandIn({
    token: TOKEN,
    prefix: 'v2',
    orders: { '7788': { status: 'delivered', items: [{ sku: 'POT-L', name: 'Large terracotta pot' }] } },
  });
  callback = await startCallback();
  channel = await setUpWorkspace(ctx, owner, {
    aiBaseUrl: model.baseUrl,
    credential: { name: 'plants', value: TOKEN, hosts: ['127.0.0.1'] },
    callbackUrl: callback.url,
  });
});

afterAll(async () => {
  await model?.close();
  await shop?.close();
  await callback?.close();
  await ctx?.close();
});

describe('a flow file written against the AI agent contract', () => {
  it('imports, publishes and solves a cracked pot in one conversation', async () => {
    const document = JSON.parse(readFileSync(FILE, 'utf8').replaceAll('https://plants.example/v2', shop.baseUrl));
    const imported = await call(ctx.app, 'POST', '/api/workflows/import', { cookie: owner.cookie, body: { document } });
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    expect(imported.body.workflow.validation.errors).toEqual([]);
    const id = imported.body.workflow.id as string;
    expect((await call(ctx.app, 'POST', `/api/workflows/${id}/publish`, { cookie: owner.cookie })).status).toBe(200);

    await customerWrites(ctx, channel, 'plant-lover', 'Hello, my pot arrived cracked! Purchase 7788');
    await drain(ctx);

    const [conversation] = await ctx.database.db.select().from(conversations).where(eq(conversations.workspaceId, owner.workspaceId));
    expect(await botReplies(ctx, conversation!.id)).toEqual([
      'Claim filed, sending a new pot now.',
      'A new pot is on its way, tracking TRACK-7788-2.',
    ]);
    expect(shop.records.map((r) => [r.kind, r.orderId])).toEqual([
      ['return', '7788'],
      ['shipment', '7788'],
    ]);
    // The model's text went into the body as one JSON string: its quotes were escaped, not syntax.
    expect(shop.records[0]!.body).toEqual({ order_id: '7788', reason: 'pot "cracked" in transit' });
    const [contact] = await ctx.database.db.select({ tags: contacts.tags }).from(contacts).where(eq(contacts.id, conversation!.contactId));
    expect(contact!.tags).toEqual(['pot-claim']);
    const [after] = await ctx.database.db
      .select({ status: conversations.status })
      .from(conversations)
      .where(eq(conversations.id, conversation!.id));
    expect(after!.status).toBe('resolved');

    const [run] = await runsOf(ctx, id);
    expect(run!.status).toBe('completed');
    const steps = (await call(ctx.app, 'GET', `/api/runs/${run!.id}`, { cookie: owner.cookie })).body.steps as {
      nodeId: string;
      output: { detail?: { tool?: string } };
    }[];
    expect(steps.filter((s) => s.output.detail?.tool).map((s) => s.output.detail!.tool)).toEqual([
      'get_purchase',
      'file_claim',
      'tag_claim',
      'dispatch_item',
      'resolve',
    ]);
    expect(steps.map((s) => s.nodeId)).toEqual(['when', ...Array(9).fill('helper'), 'thanks']);
  });
});
