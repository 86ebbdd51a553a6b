import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactEvents, contacts, conversations, messages, workflowRuns, workflows, workflowVersions } from '@switchboard/db';
import { routeEventTask } from '../src/pipeline/route/route-event';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { botReplies, createWebchat, customerSays, drain, expireTimers, flow, publishFlow, quietLogger, runsOf } from './flow-helpers';

let ctx: TestContext;
let owner: Session;
let channel: Awaited<ReturnType<typeof createWebchat>>;
const uid = () => randomBytes(4).toString('hex');

beforeAll(async () => {
  ctx = await createTestContext();
  owner = await signup(ctx.app, 'Engine');
  channel = await createWebchat(ctx, owner.workspaceId);
});
afterAll(() => ctx.close());

describe('flow execution on a real Postgres and Graphile Worker', () => {
  it('answers a keyword, and tells other messages when a person will reply', async () => {
    await publishFlow(
      ctx,
      owner,
      flow(
        [
          { id: 't', type: 'trigger.message_received', config: { keywords: ['price'] } },
          { id: 'reply', type: 'action.send_message', config: { text: 'Hi {{ contact.first_name }}, a cake is $30.' } },
        ],
        [{ source: 't', target: 'reply' }],
      ),
      'Prices',
    );
    const asked = await customerSays(ctx, channel, `kw-${uid()}`, 'What is the PRICE of a cake?');
    const other = await customerSays(ctx, channel, `kw-${uid()}`, 'Do you deliver on Sunday?');
    await drain(ctx);
    expect(await botReplies(ctx, asked.conversationId!)).toEqual(['Hi Customer, a cake is $30.']);
    // No flow answers it: the workspace default (inbox/unanswered.ts), once.
    expect(await botReplies(ctx, other.conversationId!)).toEqual(['Thanks for your message! A person will reply as soon as they can.']);
  });

  it('asks a question, re-asks on an invalid answer, saves the reply and confirms', async () => {
    await publishFlow(
      ctx,
      owner,
      flow(
        [
          { id: 't', type: 'trigger.message_received', config: { keywords: ['newsletter'] } },
          {
            id: 'ask',
            type: 'action.ask_question',
            config: {
              text: 'What is your email?',
              saveTo: 'contact.attributes.newsletter_email',
              validate: 'email',
              retryText: 'That does not look like an email, try again?',
            },
          },
          {
            id: 'thanks',
            type: 'action.send_message',
            config: { text: 'Thanks, we will write to {{ contact.attributes.newsletter_email }}.' },
          },
          { id: 'late', type: 'action.send_message', config: { text: 'No worries, ask again any time.' } },
        ],
        [
          { source: 't', target: 'ask' },
          { source: 'ask', sourceHandle: 'reply', target: 'thanks' },
          { source: 'ask', sourceHandle: 'timeout', target: 'late' },
        ],
      ),
      'Newsletter',
    );
    const who = `ask-${uid()}`;
    const first = await customerSays(ctx, channel, who, 'newsletter please');
    await drain(ctx);
    expect(await botReplies(ctx, first.conversationId!)).toEqual(['What is your email?']);
    await customerSays(ctx, channel, who, 'not an email');
    await drain(ctx);
    await customerSays(ctx, channel, who, 'bea@example.com');
    await drain(ctx);
    expect(await botReplies(ctx, first.conversationId!)).toEqual([
      'What is your email?',
      'That does not look like an email, try again?',
      'Thanks, we will write to bea@example.com.',
    ]);
    const [conversation] = await ctx.database.db.select().from(conversations).where(eq(conversations.id, first.conversationId!));
    const [contact] = await ctx.database.db.select().from(contacts).where(eq(contacts.id, conversation!.contactId));
    expect(contact!.attributes.newsletter_email).toBe('bea@example.com');
    const events = await ctx.database.db.select().from(contactEvents).where(eq(contactEvents.contactId, contact!.id));
    expect(events.some((e) => e.kind === 'field_changed' && e.data.field === 'contact.attributes.newsletter_email')).toBe(true);
  });

  it('takes the timeout output when the customer does not answer in time', async () => {
    const workflowId = await publishFlow(
      ctx,
      owner,
      flow(
        [
          { id: 't', type: 'trigger.message_received', config: { keywords: ['booking'] } },
          { id: 'ask', type: 'action.ask_question', config: { text: 'Which day?', saveTo: 'vars.day', timeoutMinutes: 30 } },
          { id: 'ok', type: 'action.send_message', config: { text: 'Booked for {{ vars.day }}.' } },
          { id: 'late', type: 'action.send_message', config: { text: 'We will follow up by email.' } },
        ],
        [
          { source: 't', target: 'ask' },
          { source: 'ask', sourceHandle: 'reply', target: 'ok' },
          { source: 'ask', sourceHandle: 'timeout', target: 'late' },
        ],
      ),
      'Booking',
    );
    const started = await customerSays(ctx, channel, `to-${uid()}`, 'booking');
    await drain(ctx);
    const [run] = await runsOf(ctx, workflowId);
    expect(run!.status).toBe('waiting');
    // The question's step started its wait, kept the node's state, and set the wait's timer for when it expires.
    const timers = await ctx.database.pool.query(
      `select j.run_at, w.expires_at, r.node_state from graphile_worker.jobs j join run_waits w on w.run_id = $1 and w.resolved_at is null join workflow_runs r on r.id = w.run_id where j.key = $2`,
      [run!.id, `wait:${run!.id}`],
    );
    expect(timers.rows).toHaveLength(1);
    expect(timers.rows[0].run_at).toEqual(timers.rows[0].expires_at);
    expect(timers.rows[0].node_state).toEqual(run!.nodeState);
    expect(run!.nodeState).not.toBeNull();
    await drain(ctx); // nothing due yet: still waiting
    expect((await runsOf(ctx, workflowId))[0]!.status).toBe('waiting');
    await expireTimers(ctx, run!.id);
    await drain(ctx);
    expect(await botReplies(ctx, started.conversationId!)).toEqual(['Which day?', 'We will follow up by email.']);
    expect((await runsOf(ctx, workflowId))[0]!.status).toBe('completed');
  });

  it('keeps a delay as a durable job that a fresh process picks up', async () => {
    const workflowId = await publishFlow(
      ctx,
      owner,
      flow(
        [
          { id: 't', type: 'trigger.message_received', config: { keywords: ['remind'] } },
          { id: 'now', type: 'action.send_message', config: { text: 'Got it.' } },
          { id: 'wait', type: 'action.delay', config: { minutes: 60 } },
          { id: 'later', type: 'action.send_message', config: { text: 'Here is your reminder.' } },
        ],
        [
          { source: 't', target: 'now' },
          { source: 'now', target: 'wait' },
          { source: 'wait', target: 'later' },
        ],
      ),
      'Reminder',
    );
    const started = await customerSays(ctx, channel, `delay-${uid()}`, 'remind me');
    await drain(ctx);
    const [run] = await runsOf(ctx, workflowId);
    const timer = await ctx.database.pool.query(`select run_at from graphile_worker.jobs where key = $1`, [`wait:${run!.id}`]);
    expect(timer.rows).toHaveLength(1);
    expect(new Date(timer.rows[0].run_at).getTime()).toBeGreaterThan(Date.now() + 59 * 60_000);

    // A "restarted" process: new caches, same database; only the database remembers the delay.
    ctx.deps.activeFlows.invalidate(owner.workspaceId);
    await expireTimers(ctx, run!.id);
    await drain(ctx);
    expect(await botReplies(ctx, started.conversationId!)).toEqual(['Got it.', 'Here is your reminder.']);
  });

  it('handles one conversation in order while other conversations run alongside', async () => {
    await publishFlow(
      ctx,
      owner,
      flow(
        [
          { id: 't', type: 'trigger.message_received', config: { keywords: ['echo'] } },
          { id: 'say', type: 'action.send_message', config: { text: 'you said {{ message.text }}' } },
        ],
        [{ source: 't', target: 'say' }],
      ),
      'Echo',
    );
    const alice = `alice-${uid()}`;
    const bob = `bob-${uid()}`;
    const conv: Record<string, string> = {};
    for (let i = 1; i <= 5; i++) {
      conv.alice = (await customerSays(ctx, channel, alice, `echo ${i}`)).conversationId!;
      conv.bob = (await customerSays(ctx, channel, bob, `echo ${i}`)).conversationId!;
    }
    const { run } = await import('graphile-worker');
    const { createTaskList } = await import('../src/tasks');
    const { taskListOf } = await import('../src/queue/runner');
    const runner = await run({
      pgPool: ctx.database.pool,
      taskList: taskListOf(createTaskList(ctx.deps)),
      concurrency: 4,
      noHandleSignals: true,
      pollInterval: 100,
      logger: quietLogger(),
    });
    try {
      const expected = [1, 2, 3, 4, 5].map((i) => `you said echo ${i}`);
      await until(async () => (await botReplies(ctx, conv.alice!)).length === 5 && (await botReplies(ctx, conv.bob!)).length === 5);
      expect(await botReplies(ctx, conv.alice!)).toEqual(expected);
      expect(await botReplies(ctx, conv.bob!)).toEqual(expected);
    } finally {
      await runner.stop();
    }
  });

  it('lets a webhook flow hear the answer to its question even while a person handles the chat', async () => {
    const workflowId = await publishFlow(
      ctx,
      owner,
      flow(
        [
          { id: 't', type: 'trigger.webhook' },
          { id: 'ask', type: 'action.ask_question', config: { text: 'Can you confirm your delivery address?', saveTo: 'vars.address' } },
          { id: 'ok', type: 'action.send_message', config: { text: 'Thanks, delivering to {{ vars.address }}.' } },
        ],
        [
          { source: 't', target: 'ask' },
          { source: 'ask', sourceHandle: 'reply', target: 'ok' },
        ],
      ),
      'Address check',
    );
    const who = `human-${uid()}`;
    const first = await customerSays(ctx, channel, who, 'hello there');
    await ctx.database.db.update(conversations).set({ handledBy: 'human' }).where(eq(conversations.id, first.conversationId!));
    const [conversation] = await ctx.database.db.select().from(conversations).where(eq(conversations.id, first.conversationId!));
    const detail = await call(ctx.app, 'GET', `/api/workflows/${workflowId}`, { cookie: owner.cookie });
    const started = await fetchWebhook(detail.body.webhookUrl, { contact: { id: conversation!.contactId } });
    expect(started.status).toBe(202);
    await drain(ctx);
    await customerSays(ctx, channel, who, '12 Baker Street');
    await drain(ctx);
    expect((await botReplies(ctx, first.conversationId!)).slice(-2)).toEqual([
      'Can you confirm your delivery address?',
      'Thanks, delivering to 12 Baker Street.',
    ]);
  });

  it('refuses HTTP steps aimed at private, loopback and metadata addresses, on the error branch', async () => {
    // testConfig opens 127.0.0.1, ::1 and localhost for the stand-ins (EGRESS_ALLOW); the rest of
    // loopback stays closed. egress.test.ts covers every spelling with nothing opened.
    const targets = ['http://127.0.0.2:9/', 'http://10.0.0.8/', 'http://169.254.169.254/latest/meta-data/', 'http://0.0.0.0:9/'];
    for (const [i, url] of targets.entries()) {
      const keyword = `probe${i}`;
      await publishFlow(
        ctx,
        owner,
        flow(
          [
            { id: 't', type: 'trigger.message_received', config: { keywords: [keyword] } },
            { id: 'call', type: 'action.http_request', config: { method: 'GET', url, saveTo: 'probe', timeoutMs: 2_000 } },
            { id: 'ok', type: 'action.send_message', config: { text: 'reached it' } },
            { id: 'no', type: 'action.send_message', config: { text: 'refused: {{ vars.probe.error }}' } },
          ],
          [
            { source: 't', target: 'call' },
            { source: 'call', sourceHandle: 'success', target: 'ok' },
            { source: 'call', sourceHandle: 'error', target: 'no' },
          ],
        ),
        `Probe ${i}`,
      );
      const sent = await customerSays(ctx, channel, `probe-${uid()}`, keyword);
      await drain(ctx);
      const [reply] = await botReplies(ctx, sent.conversationId!);
      expect(reply).toMatch(/^refused: Refused: \S+ is a (private|cloud metadata) address$/);
    }
  });

  it("never lets the bot's own messages trigger flows", async () => {
    const workflowId = await publishFlow(
      ctx,
      owner,
      flow(
        [
          { id: 't', type: 'trigger.message_received', config: { keywords: ['loop'] } },
          { id: 'say', type: 'action.send_message', config: { text: 'loop loop loop' } },
        ],
        [{ source: 't', target: 'say' }],
      ),
      'Self',
    );
    const inbound = await customerSays(ctx, channel, `self-${uid()}`, 'loop');
    await drain(ctx);
    const [botMessage] = await ctx.database.db
      .select()
      .from(messages)
      .where(eq(messages.conversationId, inbound.conversationId!))
      .then((rows) => rows.filter((r) => r.author === 'bot'));
    expect(botMessage!.text).toBe('loop loop loop');
    // Even if someone queued routing for the bot's message, it starts nothing.
    const [conversation] = await ctx.database.db.select().from(conversations).where(eq(conversations.id, inbound.conversationId!));
    await routeEventTask(ctx.deps, {
      kind: 'message',
      workspaceId: owner.workspaceId,
      conversationId: inbound.conversationId,
      messageId: botMessage!.id,
      contactId: conversation!.contactId,
      channelId: channel.id,
    });
    await drain(ctx);
    expect(await runsOf(ctx, workflowId)).toHaveLength(1);
    expect(await botReplies(ctx, inbound.conversationId!)).toEqual(['loop loop loop']);
  });

  it('stops a loop without a wait at the step guard, with a clear error on the run', async () => {
    // Publishing refuses such a loop, so plant the version directly, as an old bug might have.
    const looping = flow(
      [
        { id: 't', type: 'trigger.message_received', config: { keywords: ['spin'] } },
        { id: 'a', type: 'action.set_attribute', config: { field: 'vars.n', value: 'x' } },
        { id: 'b', type: 'action.set_attribute', config: { field: 'vars.m', value: 'y' } },
      ],
      [
        { source: 't', target: 'a' },
        { source: 'a', target: 'b' },
        { source: 'b', target: 'a' },
      ],
    );
    const [wf] = await ctx.database.db
      .insert(workflows)
      .values({ workspaceId: owner.workspaceId, name: 'Spinner', draft: looping, status: 'active' })
      .returning();
    const [version] = await ctx.database.db
      .insert(workflowVersions)
      .values({ workspaceId: owner.workspaceId, workflowId: wf!.id, number: 1, definition: looping })
      .returning();
    await ctx.database.db.update(workflows).set({ activeVersionId: version!.id }).where(eq(workflows.id, wf!.id));
    ctx.deps.activeFlows.invalidate(owner.workspaceId);

    await customerSays(ctx, channel, `spin-${uid()}`, 'spin');
    await drain(ctx);
    const [run] = await ctx.database.db.select().from(workflowRuns).where(eq(workflowRuns.workflowId, wf!.id));
    expect(run!.status).toBe('failed');
    expect(run!.stepCount).toBe(100);
    expect(run!.error).toMatch(/loops without waiting/);
  });
});

/** The webhook URL carries the public base; the in-process app answers its path. */
function fetchWebhook(url: string, body: unknown) {
  return call(ctx.app, 'POST', new URL(url).pathname, { body });
}

async function until(check: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not met in time');
}
