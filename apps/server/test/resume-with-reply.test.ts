import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages, runWaits } from '@switchboard/db';
import { waitTimerKey } from '../src/flows/queues';
import { resumeWithReply } from '../src/flows/resume-with-reply';
import { botReplies, createWebchat, customerSays, drain, flow, publishFlow, runsOf, statementsWhile } from './flow-helpers';
import { createTestContext, signup, type Session, type TestContext } from './helpers';

let ctx: TestContext;
let owner: Session;
let channel: Awaited<ReturnType<typeof createWebchat>>;
let booking: string;

beforeAll(async () => {
  ctx = await createTestContext();
  owner = await signup(ctx.app, 'Resume');
  channel = await createWebchat(ctx, owner.workspaceId);
  booking = await publishFlow(
    ctx,
    owner,
    flow(
      [
        { id: 't', type: 'trigger.message_received', config: { keywords: ['book'] } },
        { id: 'ask', type: 'action.ask_question', config: { text: 'Which day?', saveTo: 'vars.day', timeoutMinutes: 30 } },
        { id: 'ok', type: 'action.send_message', config: { text: 'Booked for {{ vars.day }}, {{ contact.firstName }}.' } },
        { id: 'late', type: 'action.send_message', config: { text: 'We will follow up.' } },
      ],
      [
        { source: 't', target: 'ask' },
        { source: 'ask', sourceHandle: 'reply', target: 'ok' },
        { source: 'ask', sourceHandle: 'timeout', target: 'late' },
      ],
    ),
  );
});
afterAll(() => ctx.close());

const timers = async (runId: string) => (await ctx.database.pool.query('select id from graphile_worker._private_jobs where key = $1', [waitTimerKey(runId)])).rows;

/** A customer who asked to book: their run waits for the answer, with its timer set. */
async function asked(externalId: string) {
  const said = await customerSays(ctx, channel, externalId, 'book a table');
  await drain(ctx);
  const run = (await runsOf(ctx, booking)).find((r) => r.conversationId === said.conversationId)!;
  expect(run.status).toBe('waiting');
  expect(await timers(run.id)).toHaveLength(1);
  return { conversationId: said.conversationId!, run };
}

describe('an answer resumes the waiting run in one statement', () => {
  it('resolves the wait, removes its timer, routes the message and runs on to the next reply', async () => {
    const { conversationId, run } = await asked('answers');
    const texts = await statementsWhile(ctx.database.pool, async () => {
      await customerSays(ctx, channel, 'answers', 'tuesday');
      await drain(ctx);
    });
    expect(await botReplies(ctx, conversationId)).toEqual(['Which day?', 'Booked for tuesday, Customer.']);
    const [done] = (await runsOf(ctx, booking)).filter((r) => r.id === run.id);
    expect(done).toMatchObject({ status: 'completed', currentNodeId: 'ok', variables: { day: 'tuesday' }, resume: null });
    expect(await ctx.database.db.select().from(runWaits).where(and(eq(runWaits.runId, run.id), isNull(runWaits.resolvedAt)))).toHaveLength(0);
    expect(await timers(run.id)).toHaveLength(0);
    expect(texts.filter((t) => t.includes('with resolved as ('))).toHaveLength(1);
    // The run and its context came back with that statement: the run's next step read neither again.
    expect(texts.filter((t) => /^select\b.*from "workflow_runs"/s.test(t.trim()))).toHaveLength(0);
  });

  it('writes nothing when what routing read no longer holds (a person took over meanwhile)', async () => {
    const { conversationId, run } = await asked('stale');
    const answer = await customerSays(ctx, channel, 'stale', 'friday');
    const [wait] = await ctx.database.db.select().from(runWaits).where(and(eq(runWaits.runId, run.id), isNull(runWaits.resolvedAt)));
    const reply = { workspaceId: owner.workspaceId, conversationId, contactId: run.contactId!, messageId: answer.messageId!, waitId: wait!.id, runId: run.id };
    expect(await resumeWithReply(ctx.deps.db, { ...reply, handledBy: 'human' })).toEqual({ claimed: false });
    expect(await ctx.database.db.select().from(runWaits).where(and(eq(runWaits.runId, run.id), isNull(runWaits.resolvedAt)))).toHaveLength(1);
    expect(await timers(run.id)).toHaveLength(1);
    const [message] = await ctx.database.db.select().from(messages).where(eq(messages.id, answer.messageId!));
    expect(message!.routedAt).toBeNull();
    expect((await runsOf(ctx, booking)).find((r) => r.id === run.id)!.status).toBe('waiting');

    // As read, it resumes; a second time (a retried job), the message is routed already: nothing.
    const resumed = await resumeWithReply(ctx.deps.db, { ...reply, handledBy: 'bot' });
    expect(resumed).toMatchObject({ claimed: true, run: { id: run.id, status: 'running', resume: { kind: 'reply', messageId: answer.messageId } } });
    expect(resumed.claimed && resumed.context?.data.message?.text).toBe('friday');
    expect(await resumeWithReply(ctx.deps.db, { ...reply, handledBy: 'bot' })).toEqual({ claimed: false });
  });
});
