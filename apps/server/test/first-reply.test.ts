import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contacts, conversations, messages, runSteps, runWaits, workflowRuns, workspaces } from '@switchboard/db';
import type { InboundMessageEvent } from '@switchboard/channels';
import { startWithFirstReply } from '../src/flows/advance';
import { routeContextOfJob } from '../src/flows/inbound-context';
import { flowContextOf, loadFlowContext, type FlowContextRow } from '../src/flows/run-context';
import { claimMessage, type StartRunInput } from '../src/flows/start-run';
import { storeInOpenConversation, storeNewCustomer } from '../src/inbox/store-inbound';
import { createInlineJobs, plainTasks } from '../src/jobs/index';
import { createWebchat, customerSays, drain, flow, publishFlow, runsOf, statementsWhile } from './flow-helpers';
import { createTestContext, signup, type Session, type TestContext } from './helpers';

let ctx: TestContext;
let owner: Session;
let channel: Awaited<ReturnType<typeof createWebchat>>;
let pricesFlow: string;
let hits = 0;
let hook: Server;

beforeAll(async () => {
  ctx = await createTestContext();
  owner = await signup(ctx.app, 'FirstReply');
  channel = await createWebchat(ctx, owner.workspaceId);
  hook = createServer((_req, res) => {
    hits++;
    res.end('{}');
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  await ctx.database.db.update(workspaces).set({ settings: { httpAllowHosts: ['127.0.0.1'] } }).where(eq(workspaces.id, owner.workspaceId));
  pricesFlow = await publishFlow(
    ctx,
    owner,
    flow(
      [
        { id: 't', type: 'trigger.message_received', config: { keywords: ['price'] } },
        { id: 'match', type: 'condition.text_match', config: { cases: [{ id: 'cake', operator: 'contains_any', values: ['cake'] }] } },
        { id: 'cake', type: 'action.send_message', config: { text: 'Hi {{ contact.firstName }}, a cake is $30. ({{ message.text }})' } },
        { id: 'other', type: 'action.send_message', config: { text: 'Our price list is online.' } },
      ],
      [
        { source: 't', target: 'match' },
        { source: 'match', target: 'cake', sourceHandle: 'cake' },
        { source: 'match', target: 'other', sourceHandle: 'else' },
      ],
    ),
    'Prices',
  );
  await publishFlow(
    ctx,
    owner,
    flow(
      [
        { id: 't', type: 'trigger.message_received', config: { keywords: ['book'] } },
        { id: 'ask', type: 'action.ask_question', config: { text: 'Which day?', saveTo: 'vars.day', timeoutMinutes: 30 } },
      ],
      [{ source: 't', target: 'ask' }],
    ),
    'Booking',
  );
  const port = (hook.address() as AddressInfo).port;
  await publishFlow(
    ctx,
    owner,
    flow(
      [
        { id: 't', type: 'trigger.message_received', config: { keywords: ['track'] } },
        { id: 'call', type: 'action.http_request', config: { method: 'GET', url: `http://127.0.0.1:${port}/track` } },
        { id: 'say', type: 'action.send_message', config: { text: 'On its way.' } },
      ],
      [
        { source: 't', target: 'call' },
        { source: 'call', target: 'say', sourceHandle: 'success' },
      ],
    ),
    'Tracking',
  );
});
afterAll(async () => {
  hook.close();
  await ctx.close();
});

const event = (externalId: string, text: string, extra: Partial<InboundMessageEvent> = {}): InboundMessageEvent => ({
  kind: 'message',
  providerMessageId: randomUUID(),
  externalId,
  name: `Ann ${externalId}`,
  text,
  attachments: [],
  timestamp: new Date(),
  ...extra,
});

/** A customer with an open conversation (their first message went the ordinary way). */
async function knownCustomer(externalId: string) {
  const first = await customerSays(ctx, channel, externalId, 'hello');
  await drain(ctx);
  const [conversation] = await ctx.database.db.select().from(conversations).where(eq(conversations.id, first.conversationId!));
  return conversation!;
}

/** Stores a message the way a webhook does for a known customer, reading the flow context with it. */
async function storeWithContext(e: InboundMessageEvent) {
  const stored = await storeInOpenConversation(ctx.deps.db, channel, e, {}, null, { withContext: true });
  if (!stored || typeof stored === 'string') throw new Error(`not stored in an open conversation: ${stored}`);
  return stored as typeof stored & { context: FlowContextRow };
}

async function startInput(workflowId: string, conversation: typeof conversations.$inferSelect, messageId: string): Promise<StartRunInput> {
  const flows = await ctx.deps.activeFlows.get(owner.workspaceId);
  return {
    workspaceId: owner.workspaceId,
    flow: flows.find((f) => f.workflowId === workflowId)!,
    contactId: conversation.contactId,
    conversationId: conversation.id,
    trigger: { kind: 'message', messageId, channelId: channel.id },
  };
}

/** The pool's one-shot statements while `act` runs, with this process running the jobs it adds (inline, as the server does) to the end. */
async function inlineStatementsWhile(act: () => Promise<unknown>, tasks = plainTasks(ctx.deps)): Promise<string[]> {
  const inline = createInlineJobs(ctx.deps, { concurrency: 2 }, tasks);
  ctx.deps.inlineJobs = inline;
  try {
    return await statementsWhile(ctx.database.pool, async () => {
      await act();
      await inline.idle();
    });
  } finally {
    ctx.deps.inlineJobs = undefined;
  }
}

const flowIdOf = async (name: string) => (await ctx.deps.activeFlows.get(owner.workspaceId)).find((f) => f.name === name)!.workflowId;

describe('the flow context read with the message', () => {
  it('is the context a read after the store returns, message, last 10 messages and new last_inbound_at included', async () => {
    const conversation = await knownCustomer('ctx-1');
    await ctx.database.db.update(contacts).set({ attributes: { plan: 'gold' }, tags: ['vip'] }).where(eq(contacts.id, conversation.contactId));
    for (let i = 0; i < 12; i++) await customerSays(ctx, channel, 'ctx-1', `filler ${i}`);
    // Sent a minute ago (the stored last_inbound_at, later, stays), then now (it moves to this one).
    for (const sentAt of [new Date(Date.now() - 60_000), new Date()]) {
      const e = event('ctx-1', 'price of a cake', { timestamp: sentAt, attachments: [{ url: 'https://example.com/cake.png', contentType: 'image/png' }], quickReply: 'PRICES' });
      const stored = await storeWithContext(e);
      const run = { workspaceId: owner.workspaceId, contactId: conversation.contactId, conversationId: conversation.id, trigger: {}, variables: {} };
      expect(flowContextOf(stored.context, run)).toEqual(await loadFlowContext(ctx.deps.db, run, stored.messageId));
      expect(stored.context.recent).toHaveLength(10);
    }
  });
});

describe("a new customer's first message", () => {
  it('comes with the context a read after the store returns, and its first reply commits with the routing', async () => {
    const e = event('newcomer', 'price of a cake');
    const stored = await storeNewCustomer(ctx.deps.db, channel, e, {}, null, { withContext: true });
    if (!stored?.context) throw new Error('not stored as a new customer with its context');
    const [conversation] = await ctx.database.db.select().from(conversations).where(eq(conversations.id, stored.conversationId));
    const run = { workspaceId: owner.workspaceId, contactId: conversation!.contactId, conversationId: conversation!.id, trigger: {}, variables: {} };
    expect(flowContextOf(stored.context, run)).toEqual(await loadFlowContext(ctx.deps.db, run, stored.messageId));

    let conversationId: string | null = null;
    const texts = await inlineStatementsWhile(async () => {
      conversationId = (await customerSays(ctx, channel, 'newcomer-2', 'price of a cake')).conversationId;
    });
    expect(texts.filter((t) => t.includes('started_by as ('))).toHaveLength(1);
    const [first] = (await runsOf(ctx, pricesFlow)).filter((r) => r.conversationId === conversationId);
    expect(first).toMatchObject({ status: 'completed', stepCount: 3 });
  });
});

describe('a message that waited behind the one before it in its conversation', () => {
  it('is taken with the context a read gives', async () => {
    const conversation = await knownCustomer('taken-ctx');
    const sent = await customerSays(ctx, channel, 'taken-ctx', 'price of a cake');
    const payload = { kind: 'message', workspaceId: owner.workspaceId, conversationId: conversation.id, contactId: conversation.contactId, messageId: sent.messageId, hints: { text: 'x' } };
    const local = async (p: object) => (await ctx.database.db.execute<{ local: FlowContextRow | null }>(sql`select ${routeContextOfJob(sql`${JSON.stringify(p)}::json`)} as local`)).rows[0]!.local;
    const run = { workspaceId: owner.workspaceId, contactId: conversation.contactId, conversationId: conversation.id, trigger: {}, variables: {} };
    expect(flowContextOf((await local(payload))!, run)).toEqual(await loadFlowContext(ctx.deps.db, run, sent.messageId));
    // Routed the careful way (no hints): nothing read.
    expect(await local({ ...payload, hints: null })).toBeNull();
  });

  it('commits its first reply with the routing, as one stored with its context does', async () => {
    const conversation = await knownCustomer('behind');
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const tasks = plainTasks(ctx.deps);
    const route = tasks.route_event!;
    let held = true;
    // The first message's job holds the conversation's queue until the second is stored behind it.
    const gated = { ...tasks, route_event: async (...args: Parameters<typeof route>) => (held ? ((held = false), await gate, route(...args)) : route(...args)) };
    const texts = await inlineStatementsWhile(async () => {
      await customerSays(ctx, channel, 'behind', 'price of a cake');
      await customerSays(ctx, channel, 'behind', 'price list please');
      open();
    }, gated);
    expect(texts.filter((t) => t.includes('started_by as ('))).toHaveLength(2);
    expect(texts.filter((t) => t.includes('claimed as ('))).toHaveLength(0);
    const runs = (await runsOf(ctx, pricesFlow)).filter((r) => r.conversationId === conversation.id);
    expect(runs.map((r) => [r.status, r.stepCount])).toEqual([['completed', 3], ['completed', 3]]);
    const replies = await ctx.database.db.select({ text: messages.text }).from(messages).where(and(eq(messages.conversationId, conversation.id), eq(messages.author, 'bot'))).orderBy(asc(messages.createdAt));
    expect(replies.map((r) => r.text)).toEqual(['Hi Customer, a cake is $30. (price of a cake)', 'Our price list is online.']);
  });
});

describe('a run started with its first reply in the routing statement', () => {
  it('writes what the ordinary path writes, in one statement fewer', async () => {
    const fast = await knownCustomer('fast');
    const slow = await knownCustomer('slow');
    const texts = await inlineStatementsWhile(() => customerSays(ctx, channel, 'fast', 'price of a cake'));
    // The ordinary path: a worker routes the message, then the run's step commits on its own.
    await customerSays(ctx, channel, 'slow', 'price of a cake');
    await drain(ctx);

    expect(texts.filter((t) => t.includes('started_by as ('))).toHaveLength(1);
    expect(texts.filter((t) => t.includes('insert into workflow_runs'))).toHaveLength(1);
    expect(texts.filter((t) => t.includes('update workflow_runs set status'))).toHaveLength(0);

    const runs = (await runsOf(ctx, pricesFlow)).filter((r) => r.conversationId === fast.id || r.conversationId === slow.id);
    const byConversation = (id: string) => runs.find((r) => r.conversationId === id)!;
    const shape = async (conversationId: string) => {
      const run = byConversation(conversationId);
      const steps = await ctx.database.db.select().from(runSteps).where(eq(runSteps.runId, run.id)).orderBy(asc(runSteps.seq));
      const replies = await ctx.database.db.select().from(messages).where(and(eq(messages.runId, run.id)));
      const [routed] = await ctx.database.db
        .select({ routedAt: messages.routedAt })
        .from(messages)
        .where(and(eq(messages.conversationId, conversationId), eq(messages.text, 'price of a cake')));
      return {
        run: { status: run.status, stepCount: run.stepCount, currentNodeId: run.currentNodeId, variables: run.variables, finished: run.finishedAt !== null, error: run.error },
        steps: steps.map((s) => ({ seq: s.seq, nodeId: s.nodeId, nodeType: s.nodeType, status: s.status, input: s.input, output: s.output })),
        replies: replies.map((r) => ({ text: r.text.replace(/fast|slow/, 'X'), status: r.status, attempts: r.attempts, author: r.author })),
        routed: routed?.routedAt instanceof Date,
      };
    };
    const fastShape = await shape(fast.id);
    expect(fastShape).toEqual(await shape(slow.id));
    expect(fastShape.replies).toEqual([{ text: 'Hi Customer, a cake is $30. (price of a cake)', status: 'delivered', attempts: 1, author: 'bot' }]);
    expect(fastShape.run).toMatchObject({ status: 'completed', stepCount: 3, currentNodeId: 'cake' });
  });

  it('writes nothing when the guard no longer holds (a person took over since the message was stored)', async () => {
    const conversation = await knownCustomer('taken');
    const stored = await storeWithContext(event('taken', 'price of a cake'));
    await ctx.database.db.update(conversations).set({ handledBy: 'human' }).where(eq(conversations.id, conversation.id));
    const input = await startInput(pricesFlow, conversation, stored.messageId);
    const guard = { workspaceId: owner.workspaceId, conversationId: conversation.id, handledBy: 'bot' as const };
    expect(await startWithFirstReply(ctx.deps, input, stored.context, claimMessage(stored.messageId, guard))).toBe('unclaimed');
    expect(await ctx.database.db.select().from(workflowRuns).where(eq(workflowRuns.conversationId, conversation.id))).toHaveLength(0);
    const [message] = await ctx.database.db.select().from(messages).where(eq(messages.id, stored.messageId));
    expect(message!.routedAt).toBeNull();
  });

  it('commits a question as the first step: the run waits at it, with its wait and its timer', async () => {
    const conversation = await knownCustomer('asks');
    const stored = await storeWithContext(event('asks', 'book a table'));
    const input = await startInput(await flowIdOf('Booking'), conversation, stored.messageId);
    const guard = { workspaceId: owner.workspaceId, conversationId: conversation.id, handledBy: 'bot' as const };
    const first = await startWithFirstReply(ctx.deps, input, stored.context, claimMessage(stored.messageId, guard));
    if (!first || first === 'unclaimed') throw new Error(`not committed: ${first}`);
    const [run] = await ctx.database.db.select().from(workflowRuns).where(eq(workflowRuns.id, first.committed.run.id));
    expect(run).toMatchObject({ status: 'waiting', currentNodeId: 'ask', stepCount: 2 });
    expect(run!.nodeState).not.toBeNull();
    expect(first.committed.run).toEqual(run);
    const [wait] = await ctx.database.db.select().from(runWaits).where(eq(runWaits.runId, run!.id));
    expect(wait).toMatchObject({ kind: 'reply', nodeId: 'ask', conversationId: conversation.id, resolvedAt: null });
    expect(wait!.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 29 * 60_000);
    const timers = await ctx.database.pool.query('select run_at, payload, queue_name from graphile_worker._private_jobs j join graphile_worker._private_job_queues q on q.id = j.job_queue_id where key = $1', [`wait:${run!.id}`]);
    expect(timers.rows).toEqual([{ run_at: wait!.expiresAt, payload: { runId: run!.id, waitId: wait!.id }, queue_name: `conv:${conversation.id}` }]);
    expect(first.committed.applied.outbound.map((r) => r.text)).toEqual(['Which day?']);
    const [message] = await ctx.database.db.select().from(messages).where(eq(messages.id, stored.messageId));
    expect(message!.routedAt).toBeInstanceOf(Date);
  });

  it('leaves a flow whose first commit is an HTTP call to ordinary routing, without calling out', async () => {
    const conversation = await knownCustomer('other-Tracking');
    const stored = await storeWithContext(event('other-Tracking', 'track my order'));
    const input = await startInput(await flowIdOf('Tracking'), conversation, stored.messageId);
    const guard = { workspaceId: owner.workspaceId, conversationId: conversation.id, handledBy: 'bot' as const };
    expect(await startWithFirstReply(ctx.deps, input, stored.context, claimMessage(stored.messageId, guard))).toBeNull();
    const [message] = await ctx.database.db.select().from(messages).where(eq(messages.id, stored.messageId));
    expect(message!.routedAt).toBeNull();
    expect(hits).toBe(0);
  });
});
