import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advanceRunTask, type StartedRun } from '../src/jobs/advance-run';
import type { DeferFinalWrite } from '../src/jobs/inline-job-statements';
import { InlineJobs } from '../src/jobs/inline-jobs';
import { routeEvent } from '../src/jobs/route-event';
import { botReplies, createWebchat, customerSays, drain, flow, publishFlow } from './flow-helpers';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { jobsOf } from './inbox-fixtures';

let ctx: TestContext;
let owner: Session;
let channel: Awaited<ReturnType<typeof createWebchat>>;
let n = 0;
const customer = () => `inline-${++n}-${Date.now()}`;

const routing = (fail?: string) =>
  new InlineJobs(ctx.deps.db, ctx.deps.logger, { route_event: (p) => (fail ? Promise.reject(new Error(fail)) : routeEvent(ctx.deps, ctx.deps.activeFlows, p)) }, { concurrency: 4, roomWaitMs: 200 });

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, ms = 5_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Inline routing whose first job waits until `open()` is called (the conversation's queue stays busy meanwhile). */
function gatedRouting(concurrency: number) {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let first = true;
  const inline = new InlineJobs(ctx.deps.db, ctx.deps.logger, {
    route_event: async (p) => {
      if (first) {
        first = false;
        await gate;
      }
      return routeEvent(ctx.deps, ctx.deps.activeFlows, p);
    },
  }, { concurrency, roomWaitMs: 200 });
  return { inline, open: () => open() };
}

const queueOf = async (conversationId: string) =>
  (await ctx.database.pool.query(`select locked_by, locked_at from graphile_worker._private_job_queues where queue_name = $1`, [`conv:${conversationId}`])).rows[0];

beforeAll(async () => {
  ctx = await createTestContext();
  owner = await signup(ctx.app, 'InlineOwner');
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
  await publishFlow(
    ctx,
    owner,
    flow(
      [
        { id: 't', type: 'trigger.message_received', config: { keywords: ['order'] } },
        { id: 'reply', type: 'action.send_message', config: { text: 'Got {{ message.text }}' } },
      ],
      [{ source: 't', target: 'reply' }],
    ),
  );
  // Graphile needs to know the task before a job can be added locked (a worker registers it at start).
  await drain(ctx);
});
afterAll(async () => {
  ctx.deps.inlineJobs = undefined;
  await ctx.close();
});

describe('route_event jobs run by the process that stored the message', () => {
  it('answers a new and a known customer with no worker running, and leaves no job or locked queue behind', async () => {
    ctx.deps.inlineJobs = routing();
    const who = customer();
    const first = await customerSays(ctx, channel, who, 'price?');
    expect(await until(() => botReplies(ctx, first.conversationId!), (r) => r.length === 1)).toEqual(['A cake is $30.']);
    const second = await customerSays(ctx, channel, who, 'and the price of two?');
    expect(second.conversationId).toBe(first.conversationId);
    expect(await until(() => botReplies(ctx, first.conversationId!), (r) => r.length === 2)).toHaveLength(2);
    expect(await until(() => jobsOf(ctx, 'route_event'), (jobs) => jobs.length === 0)).toEqual([]);
    expect(await queueOf(first.conversationId!)).toMatchObject({ locked_by: null, locked_at: null });
    // Each reply's outcome was written by the statement that completed its job: sent once, not left queued.
    const replies = await ctx.database.pool.query(`select status, attempts, provider_message_id from messages where conversation_id = $1 and direction = 'out'`, [first.conversationId]);
    expect(replies.rows).toEqual([1, 2].map(() => ({ status: 'delivered', attempts: 1, provider_message_id: expect.any(String) })));
  });

  it('puts the job behind a queue another worker holds, without a NOTIFY, so it runs after the job that holds it', async () => {
    ctx.deps.inlineJobs = routing();
    const who = customer();
    const first = await customerSays(ctx, channel, who, 'hello');
    await until(() => jobsOf(ctx, 'route_event'), (jobs) => jobs.length === 0);
    await ctx.database.pool.query(`update graphile_worker._private_job_queues set locked_at = now(), locked_by = 'another-worker' where queue_name = $1`, [`conv:${first.conversationId}`]);
    await customerSays(ctx, channel, who, 'price please');
    const queued = await jobsOf(ctx, 'route_event');
    expect(queued).toEqual([expect.objectContaining({ queue_name: `conv:${first.conversationId}` })]);
    expect(await botReplies(ctx, first.conversationId!)).toEqual([]);
    await ctx.database.pool.query(`update graphile_worker._private_job_queues set locked_at = null, locked_by = null where queue_name = $1`, [`conv:${first.conversationId}`]);
    await drain(ctx);
    expect(await botReplies(ctx, first.conversationId!)).toEqual(['A cake is $30.']);
  });

  it('takes a queue that was let go just as a job went in behind it, and runs that job', async () => {
    const inline = routing();
    ctx.deps.inlineJobs = inline;
    const who = customer();
    const first = await customerSays(ctx, channel, who, 'order 1');
    await inline.idle();
    const queue = `conv:${first.conversationId}`;
    await ctx.database.pool.query(`update graphile_worker._private_job_queues set locked_at = now(), locked_by = 'another-worker' where queue_name = $1`, [queue]);
    await customerSays(ctx, channel, who, 'order 2');
    expect(await botReplies(ctx, first.conversationId!)).toEqual(['Got order 1']);
    // The holder lets go without having seen the job (its completion began before the job committed).
    const { rows } = await ctx.database.pool.query(`update graphile_worker._private_job_queues set locked_at = null, locked_by = null where queue_name = $1 returning id`, [queue]);
    inline.queuedBehind(rows[0].id);
    expect(await until(() => botReplies(ctx, first.conversationId!), (r) => r.length === 2)).toEqual(['Got order 1', 'Got order 2']);
    await inline.idle();
    expect(await jobsOf(ctx, 'route_event')).toEqual([]);
    expect(await queueOf(first.conversationId!)).toMatchObject({ locked_by: null });
  });

  it('hands a failed job back to Graphile with its error and a backoff, and frees the queue', async () => {
    ctx.deps.inlineJobs = routing('the flow engine fell over');
    const sent = await customerSays(ctx, channel, customer(), 'price?');
    const [job] = await until(
      async () => (await ctx.database.pool.query(`select last_error, locked_by, run_at > now() as later, attempts from graphile_worker._private_jobs where payload->>'messageId' = $1`, [sent.messageId])).rows,
      (rows) => rows[0]?.last_error != null,
    );
    expect(job).toMatchObject({ last_error: 'the flow engine fell over', locked_by: null, later: true, attempts: 1 });
    expect(await queueOf(sent.conversationId!)).toMatchObject({ locked_by: null });
    // The retry, by a real worker once due, answers.
    await ctx.database.pool.query(`update graphile_worker._private_jobs set run_at = now() where payload->>'messageId' = $1`, [sent.messageId]);
    await drain(ctx);
    expect(await botReplies(ctx, sent.conversationId!)).toEqual(['A cake is $30.']);
  });

  it("makes a task's last write with the statement that completes its job, and still makes it when the task then fails", async () => {
    const marked = (messageId: string) => sql`update messages set meta = meta || '{"final": true}'::jsonb where id = ${messageId}`;
    const finalOf = async (messageId: string) => (await ctx.database.pool.query(`select meta->'final' as final from messages where id = $1`, [messageId])).rows[0]?.final;
    for (const fail of [false, true]) {
      let after = 0;
      const inline = new InlineJobs(ctx.deps.db, ctx.deps.logger, {
        route_event: async (p, defer) => {
          defer({ statement: marked((p as { messageId: string }).messageId), after: async () => void after++ });
          if (fail) throw new Error('failed after its last write');
        },
      }, { concurrency: 1 });
      ctx.deps.inlineJobs = inline;
      const sent = await customerSays(ctx, channel, customer(), 'hello');
      await inline.idle();
      expect(await finalOf(sent.messageId!)).toBe(true);
      expect(after).toBe(1);
      const left = await ctx.database.pool.query(`delete from graphile_worker._private_jobs where payload->>'messageId' = $1 returning last_error`, [sent.messageId]);
      expect(left.rows.map((j) => j.last_error)).toEqual(fail ? ['failed after its last write'] : []);
    }
  });

  it('with no room, the message waits for it a while, then goes to Graphile', async () => {
    const inline = routing();
    ctx.deps.inlineJobs = inline;
    while (inline.reserve());
    const started = performance.now();
    const sent = await customerSays(ctx, channel, customer(), 'price?');
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect((await jobsOf(ctx, 'route_event')).map((j) => j.payload.messageId)).toEqual([sent.messageId]);
    await drain(ctx);
    expect(await botReplies(ctx, sent.conversationId!)).toEqual(['A cake is $30.']);
  });

  it('with no room, a message behind a queue this process holds goes in without a NOTIFY, and the holder runs it', async () => {
    const { inline, open } = gatedRouting(1);
    ctx.deps.inlineJobs = inline;
    const listener = new pg.Client({ connectionString: ctx.database.url });
    await listener.connect();
    let notified = 0;
    listener.on('notification', () => notified++);
    await listener.query('listen "jobs:insert"');
    try {
      const who = customer();
      const first = await customerSays(ctx, channel, who, 'order 1');
      let reserved = 0;
      while (inline.reserve()) reserved++;
      await customerSays(ctx, channel, who, 'order 2');
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(notified).toBe(0);
      // A free queue with no room here: add_job, whose NOTIFY lets any worker take it.
      const elsewhere = await customerSays(ctx, channel, customer(), 'order 3');
      expect(await until(async () => notified, (n) => n > 0, 2_000)).toBeGreaterThan(0);

      for (; reserved > 0; reserved--) inline.release();
      open();
      expect(await until(() => botReplies(ctx, first.conversationId!), (r) => r.length === 2)).toEqual(['Got order 1', 'Got order 2']);
      await inline.idle();
      await drain(ctx);
      expect(await botReplies(ctx, elsewhere.conversationId!)).toEqual(['Got order 3']);
    } finally {
      await listener.end();
    }
  });

  it('a message waiting for room takes it as soon as it frees', async () => {
    const inline = routing();
    ctx.deps.inlineJobs = inline;
    while (inline.reserve());
    const saying = customerSays(ctx, channel, customer(), 'price?');
    setTimeout(() => inline.release(), 50);
    const sent = await saying;
    await inline.idle();
    expect(await jobsOf(ctx, 'route_event')).toEqual([]);
    expect(await botReplies(ctx, sent.conversationId!)).toEqual(['A cake is $30.']);
  });

  it('drains the queue it holds: the messages that arrived meanwhile run here, in order, with no worker', async () => {
    const { inline, open } = gatedRouting(4);
    ctx.deps.inlineJobs = inline;
    const who = customer();
    const first = await customerSays(ctx, channel, who, 'order 1');
    await customerSays(ctx, channel, who, 'order 2');
    await customerSays(ctx, channel, who, 'order 3');
    // The queue is busy, so the later two were added the usual way, for anyone.
    expect((await jobsOf(ctx, 'route_event')).length).toBe(3);
    open();
    const replies = await until(() => botReplies(ctx, first.conversationId!), (r) => r.length === 3);
    expect(replies).toEqual(['Got order 1', 'Got order 2', 'Got order 3']);
    expect(await until(() => jobsOf(ctx, 'route_event'), (jobs) => jobs.length === 0)).toEqual([]);
    expect(await queueOf(first.conversationId!)).toMatchObject({ locked_by: null, locked_at: null });
    await inline.idle();
  });

  it('keeps jobs past its busy slots waiting here, locked, and runs them when a slot frees', async () => {
    const { inline, open } = gatedRouting(1);
    ctx.deps.inlineJobs = inline;
    const sent = [];
    for (let i = 1; i <= 3; i++) sent.push(await customerSays(ctx, channel, customer(), `order ${i}`));
    const locked = await ctx.database.pool.query(`select count(*)::int as n from graphile_worker._private_jobs where locked_by = $1`, [inline.workerId]);
    expect(locked.rows[0].n).toBe(3);
    // Waiting here is not lost track of: the reaper's check leaves them alone.
    await ctx.database.pool.query(`update graphile_worker._private_jobs set locked_at = now() - interval '1 minute' where locked_by = $1`, [inline.workerId]);
    expect(await inline.releaseOrphans()).toBe(0);
    open();
    await inline.idle();
    for (const [i, s] of sent.entries()) expect(await botReplies(ctx, s.conversationId!)).toEqual([`Got order ${i + 1}`]);
    expect(await jobsOf(ctx, 'route_event')).toEqual([]);
  });

  it('releases a job it locked but lost track of (its completion could not be written)', async () => {
    const inline = routing();
    ctx.deps.inlineJobs = undefined;
    const sent = await customerSays(ctx, channel, customer(), 'no keyword here');
    await ctx.database.pool.query(
      `update graphile_worker._private_jobs set locked_by = $1, locked_at = now() - interval '11 seconds' where payload->>'messageId' = $2`,
      [inline.workerId, sent.messageId],
    );
    expect(await inline.releaseOrphans()).toBe(1);
    const [job] = (await ctx.database.pool.query(`select locked_by, last_error from graphile_worker._private_jobs where payload->>'messageId' = $1`, [sent.messageId])).rows;
    expect(job).toMatchObject({ locked_by: null, last_error: 'The process that ran this job lost track of it' });
    await ctx.database.pool.query(`update graphile_worker._private_jobs set run_at = now()`);
    await drain(ctx);
  });
});

describe('routing a message with the hints it was stored with', () => {
  it('takes the careful path when a person took the conversation over after the message was stored', async () => {
    ctx.deps.inlineJobs = undefined;
    const who = customer();
    const first = await customerSays(ctx, channel, who, 'price?');
    await drain(ctx);
    expect(await botReplies(ctx, first.conversationId!)).toEqual(['A cake is $30.']);
    // Stored while the bot handled the conversation: its hints say so.
    const second = await customerSays(ctx, channel, who, 'price of two?');
    const [job] = (await jobsOf(ctx, 'route_event')).filter((j) => j.payload.messageId === second.messageId);
    expect(job!.payload.hints).toEqual({ text: 'price of two?', handledBy: 'bot', channelType: 'webchat' });
    await ctx.database.pool.query(`update conversations set handled_by = 'human' where id = $1`, [first.conversationId]);
    await drain(ctx);
    // Routed all the same, and no bot answer to a conversation a person handles now.
    const routed = await ctx.database.pool.query(`select routed_at from messages where id = $1`, [second.messageId]);
    expect(routed.rows[0].routed_at).toBeInstanceOf(Date);
    expect(await botReplies(ctx, first.conversationId!)).toEqual(['A cake is $30.']);
  });
});

describe('a run a flow webhook starts', () => {
  it('is advanced by the process that answered the webhook, with no worker running, from the run and context the webhook stored', async () => {
    const workflowId = await publishFlow(
      ctx,
      owner,
      flow(
        [
          { id: 't', type: 'trigger.webhook' },
          { id: 'reply', type: 'action.send_message', config: { text: 'Your order {{ trigger.body.ref }} shipped, {{ contact.name }}.' } },
        ],
        [{ source: 't', target: 'reply' }],
      ),
      'Shipping update',
    );
    const who = customer();
    const said = await customerSays(ctx, channel, who, 'hello');
    await drain(ctx);
    const handed: (StartedRun | undefined)[] = [];
    const advance = (p: unknown, defer: DeferFinalWrite, local?: unknown) => {
      handed.push(local as StartedRun | undefined);
      return advanceRunTask(ctx.deps, p, defer, local as StartedRun | undefined);
    };
    const inline = new InlineJobs(ctx.deps.db, ctx.deps.logger, { advance_run: advance }, { concurrency: 2, roomWaitMs: 200 });
    ctx.deps.inlineJobs = inline;
    const detail = await call(ctx.app, 'GET', `/api/workflows/${workflowId}`, { cookie: owner.cookie });
    const started = await call(ctx.app, 'POST', new URL(detail.body.webhookUrl).pathname, { body: { ref: 'A-17', contact: { channelId: channel.id, externalId: who } } });
    expect(started.status).toBe(202);
    expect(await until(() => botReplies(ctx, said.conversationId!), (r) => r.length === 1)).toEqual([`Your order A-17 shipped, Customer ${who}.`]);
    await inline.idle();
    expect(await jobsOf(ctx, 'advance_run')).toEqual([]);
    // The run as stored and its customer's context came with the job: its first step read neither.
    expect(handed).toHaveLength(1);
    expect(handed[0]?.run).toMatchObject({ id: started.body.runId, status: 'running', currentNodeId: 't', conversationId: said.conversationId });
    expect(handed[0]?.context.data.contact).toMatchObject({ name: `Customer ${who}` });
    expect(handed[0]?.context.data.conversation).toMatchObject({ id: said.conversationId });
  });
});
