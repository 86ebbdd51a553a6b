import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestInbound } from '../src/inbox/ingest';
import { InlineJobs } from '../src/jobs/inline-jobs';
import { routeEvent } from '../src/jobs/route-event';
import { botReplies, createWebchat, customerSays, drain, flow, publishFlow, statementsWhile } from './flow-helpers';
import { createTestContext, signup, type TestContext } from './helpers';
import { jobsOf } from './inbox-fixtures';

let ctx: TestContext;
let channel: Awaited<ReturnType<typeof createWebchat>>;
let n = 0;
const customer = () => `batch-${++n}-${Date.now()}`;

/** The batched store statements (storeInOpenConversations) among `texts`. */
const storeStatements = (texts: string[]) => texts.filter((t) => t.includes('unnest(') && t.includes('insert into messages'));

/** Customers who wrote once already (their conversation is open), answered and drained. */
async function knownCustomers(count: number): Promise<{ who: string; conversationId: string }[]> {
  const known = [];
  for (let i = 0; i < count; i++) {
    const who = customer();
    const first = await customerSays(ctx, channel, who, 'hello');
    known.push({ who, conversationId: first.conversationId! });
  }
  await drain(ctx);
  return known;
}

const conversationMessages = async (conversationId: string) =>
  (await ctx.database.pool.query(`select text, author from messages where conversation_id = $1 order by created_at, id`, [conversationId])).rows;

beforeAll(async () => {
  ctx = await createTestContext();
  const owner = await signup(ctx.app, 'BatchOwner');
  channel = await createWebchat(ctx, owner.workspaceId);
  await publishFlow(
    ctx,
    owner,
    flow(
      [
        { id: 't', type: 'trigger.message_received', config: { keywords: ['price'] } },
        { id: 'reply', type: 'action.send_message', config: { text: 'A cake is $30.' } },
      ],
      [{ source: 't', target: 'reply' }],
    ),
  );
  await drain(ctx);
});
afterAll(async () => {
  ctx.deps.inlineJobs = undefined;
  await ctx.close();
});

describe('known customers writing at the same moment', () => {
  it('are stored by one statement, each message with its conversation stamped and its own route_event job', async () => {
    const known = await knownCustomers(12);
    let results: Awaited<ReturnType<typeof customerSays>>[] = [];
    const texts = await statementsWhile(ctx.database.pool, async () => {
      results = await Promise.all(known.map(({ who }) => customerSays(ctx, channel, who, `price for ${who}?`)));
    });
    expect(storeStatements(texts)).toHaveLength(1);
    expect(results.map((r) => r.conversationId)).toEqual(known.map((k) => k.conversationId));
    const jobs = await jobsOf(ctx, 'route_event');
    expect(jobs.map((j) => j.payload.messageId).sort()).toEqual(results.map((r) => r.messageId).sort());
    // Every job carries its own message's routing hints.
    for (const job of jobs) expect(job.payload).toMatchObject({ kind: 'message', isFirstMessage: false, hints: { text: expect.stringContaining('price for'), handledBy: 'bot', channelType: 'webchat' } });
    const stamped = await ctx.database.pool.query(`select count(*)::int as n from conversations where id = any($1) and waiting_since is not null and last_inbound_at is not null`, [known.map((k) => k.conversationId)]);
    expect(stamped.rows[0].n).toBe(12);
    await drain(ctx);
    for (const { conversationId } of known) expect(await botReplies(ctx, conversationId)).toEqual(['A cake is $30.']);
  });

  it("store one customer's messages one statement each, in the order they came", async () => {
    const [ann, bob] = await knownCustomers(2);
    const texts = await statementsWhile(ctx.database.pool, () =>
      Promise.all([customerSays(ctx, channel, ann!.who, 'one'), customerSays(ctx, channel, bob!.who, 'bob'), customerSays(ctx, channel, ann!.who, 'two'), customerSays(ctx, channel, ann!.who, 'three')]),
    );
    expect(storeStatements(texts)).toHaveLength(3);
    expect((await conversationMessages(ann!.conversationId)).filter((m) => m.author === 'contact').map((m) => m.text)).toEqual(['hello', 'one', 'two', 'three']);
    await drain(ctx);
  });

  it('give each message its own outcome: stored, a redelivery, a new customer, a resolved conversation', async () => {
    const [stored, resolved] = await knownCustomers(2);
    await ctx.database.pool.query(`update conversations set status = 'resolved', resolved_at = now() where id = $1`, [resolved!.conversationId]);
    const first = await customerSays(ctx, channel, stored!.who, 'first');
    const redelivery = { kind: 'message' as const, providerMessageId: randomUUID(), externalId: stored!.who, text: 'again', attachments: [], timestamp: new Date() };
    await ingestInbound(ctx.deps, channel, redelivery);
    const newcomer = customer();
    const [again, fresh, back] = await Promise.all([
      ingestInbound(ctx.deps, channel, redelivery),
      customerSays(ctx, channel, newcomer, 'hi, new here'),
      customerSays(ctx, channel, resolved!.who, 'me again'),
    ]);
    expect(first.duplicate).toBe(false);
    expect(again).toMatchObject({ duplicate: true, conversationId: stored!.conversationId });
    expect(fresh).toMatchObject({ duplicate: false, conversationId: expect.any(String), messageId: expect.any(String) });
    expect(back).toMatchObject({ duplicate: false, conversationId: resolved!.conversationId });
    const status = await ctx.database.pool.query(`select status from conversations where id = $1`, [resolved!.conversationId]);
    expect(status.rows[0].status).toBe('open');
    await drain(ctx);
  });

  it('fail alone: a message its statement cannot store does not take the others with it', async () => {
    const known = await knownCustomers(3);
    // A channel whose workspace does not exist: its message breaks the messages' foreign key.
    const broken = { ...channel, workspaceId: randomUUID() };
    const outcomes = await Promise.allSettled([
      customerSays(ctx, channel, known[0]!.who, 'price one'),
      customerSays(ctx, broken, known[1]!.who, 'price two'),
      customerSays(ctx, channel, known[2]!.who, 'price three'),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await conversationMessages(known[1]!.conversationId)).map((m) => m.text)).not.toContain('price two');
    await drain(ctx);
    expect(await botReplies(ctx, known[0]!.conversationId)).toEqual(['A cake is $30.']);
    expect(await botReplies(ctx, known[2]!.conversationId)).toEqual(['A cake is $30.']);
  });

  it('lock the jobs of free queues for this process and put the others behind their busy queue, in one statement', async () => {
    const [busy, free] = await knownCustomers(2);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const held: string[] = [];
    const inline = new InlineJobs(ctx.deps.db, ctx.deps.logger, {
      route_event: async (p) => {
        const { conversationId } = p as { conversationId: string };
        held.push(conversationId);
        if (conversationId === busy!.conversationId && held.length === 1) await gate;
        return routeEvent(ctx.deps, ctx.deps.activeFlows, p);
      },
    }, { concurrency: 4 });
    ctx.deps.inlineJobs = inline;
    try {
      await customerSays(ctx, channel, busy!.who, 'price 1');
      // The busy customer's first job holds its queue; their next message and another customer's come together.
      const texts = await statementsWhile(ctx.database.pool, () => Promise.all([customerSays(ctx, channel, busy!.who, 'price 2'), customerSays(ctx, channel, free!.who, 'price?')]));
      expect(storeStatements(texts)).toHaveLength(1);
      const waiting = await jobsOf(ctx, 'route_event');
      expect(waiting.filter((j) => j.payload.conversationId === busy!.conversationId)).toHaveLength(2);
      open();
      await inline.idle();
      expect(await botReplies(ctx, busy!.conversationId)).toEqual(['A cake is $30.', 'A cake is $30.']);
      expect(await botReplies(ctx, free!.conversationId)).toEqual(['A cake is $30.']);
      expect(await jobsOf(ctx, 'route_event')).toEqual([]);
    } finally {
      open();
      ctx.deps.inlineJobs = undefined;
    }
  });
});
