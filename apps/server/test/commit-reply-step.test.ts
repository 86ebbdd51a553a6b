import { and, eq, gt } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactIdentities, messages, runSteps, workflowRuns } from '@switchboard/db';
import { commitReplyStep, type ReplyInput, type ReplyTarget, type RunAdvance, type StepRow } from '../src/flows/commit-reply-step';
import { botReplies, createWebchat, customerSays, drain, flow, publishFlow, runsOf } from './flow-helpers';
import { createTestContext, signup, type Session, type TestContext } from './helpers';

let ctx: TestContext;
let owner: Session;
let channel: Awaited<ReturnType<typeof createWebchat>>;
let workflowId: string;

beforeAll(async () => {
  ctx = await createTestContext();
  owner = await signup(ctx.app, 'OneStatement');
  channel = await createWebchat(ctx, owner.workspaceId);
  workflowId = await publishFlow(
    ctx,
    owner,
    flow(
      [
        { id: 't', type: 'trigger.message_received', config: { keywords: ['price'] } },
        { id: 'reply', type: 'action.send_message', config: { text: 'A cake is $30.', quickReplies: ['Order', 'Menu'] } },
      ],
      [{ source: 't', target: 'reply' }],
    ),
  );
});
afterAll(() => ctx.close());

describe('a reply step committed in one statement', () => {
  it('answers through the flow engine: reply, steps and run as the transaction wrote them', async () => {
    const said = await customerSays(ctx, channel, `one-${Date.now()}`, 'price?');
    await drain(ctx);
    expect(await botReplies(ctx, said.conversationId!)).toEqual(['A cake is $30.']);
    const [run] = await runsOf(ctx, workflowId);
    expect(run).toMatchObject({ status: 'completed', stepCount: 2, currentNodeId: 'reply', nodeState: null, resume: null });
    expect(run!.finishedAt).toBeInstanceOf(Date);
    const steps = await ctx.database.db.select().from(runSteps).where(eq(runSteps.runId, run!.id)).orderBy(runSteps.seq);
    expect(steps.map((s) => [s.seq, s.nodeId, s.status])).toEqual([[1, 't', 'completed'], [2, 'reply', 'completed']]);
    const [reply] = await ctx.database.db.select().from(messages).where(and(eq(messages.runId, run!.id)));
    expect(reply).toMatchObject({ direction: 'out', author: 'bot', private: false, quickReplies: ['Order', 'Menu'], attachments: [], meta: {}, conversationId: said.conversationId });
  });

  it('returns the run and replies exactly as stored, and writes nothing when the run moved on meanwhile', async () => {
    const [done] = await runsOf(ctx, workflowId);
    // Put the run back before its reply step, as an activation would find it.
    await ctx.database.db.delete(messages).where(eq(messages.runId, done!.id));
    await ctx.database.db.delete(runSteps).where(and(eq(runSteps.runId, done!.id), gt(runSteps.seq, 1)));
    await ctx.database.db.update(workflowRuns).set({ status: 'running', stepCount: 1, currentNodeId: 'reply', finishedAt: null }).where(eq(workflowRuns.id, done!.id));
    const [run] = await ctx.database.db.select().from(workflowRuns).where(eq(workflowRuns.id, done!.id));

    const at = new Date();
    const args: [RunAdvance, StepRow[], ReplyTarget, ReplyInput[]] = [
      { status: 'completed', currentNodeId: 'reply', variables: { note: 'kept' }, stepCount: 2, updatedAt: at, finishedAt: at },
      [{ seq: 2, nodeId: 'reply', nodeType: 'action.send_message', status: 'completed', input: {}, output: { effects: [] } }],
      { workspaceId: run!.workspaceId, conversationId: run!.conversationId!, channelId: channel.id, contactId: run!.contactId! },
      [{ text: 'first', attachments: [{ url: 'https://example.com/a.png' }], quickReplies: null, meta: {} }, { text: 'second', attachments: [], quickReplies: ['Yes'], meta: { whatsappTemplate: { name: 'x' } } }],
    ];
    const committed = await commitReplyStep(ctx.deps.db, run!, ...args);
    const [stored] = await ctx.database.db.select().from(workflowRuns).where(eq(workflowRuns.id, run!.id));
    expect(committed!.run).toEqual(stored);
    const replies = await ctx.database.db.select().from(messages).where(eq(messages.runId, run!.id));
    expect(committed!.replies.map((r) => r.text)).toEqual(['first', 'second']);
    expect([...committed!.replies].sort((a, b) => a.id.localeCompare(b.id))).toEqual([...replies].sort((a, b) => a.id.localeCompare(b.id)));
    // Express delivery's claim, made by the same statement: the first reply's attempt counted, the customer's address read.
    const [identity] = await ctx.database.db.select().from(contactIdentities).where(eq(contactIdentities.contactId, run!.contactId!));
    expect(committed!.claim).toEqual({ messageId: committed!.replies[0]!.id, to: identity!.externalId });
    expect(committed!.replies.map((r) => r.attempts)).toEqual([1, 0]);

    // The same activation again (another worker already took the step): null, and no second copy.
    expect(await commitReplyStep(ctx.deps.db, run!, ...args)).toBeNull();
    expect(await ctx.database.db.select().from(messages).where(eq(messages.runId, run!.id))).toHaveLength(2);
    expect(await ctx.database.db.select().from(runSteps).where(eq(runSteps.runId, run!.id))).toHaveLength(2);
  });

  it('claims nothing while an earlier reply of the conversation is still queued (its order comes first)', async () => {
    const [done] = await runsOf(ctx, workflowId);
    await ctx.database.db.update(workflowRuns).set({ status: 'running', stepCount: 5, currentNodeId: 'reply', finishedAt: null }).where(eq(workflowRuns.id, done!.id));
    const [run] = await ctx.database.db.select().from(workflowRuns).where(eq(workflowRuns.id, done!.id));
    // The 'first' and 'second' replies of the test before are still queued.
    const at = new Date();
    const committed = await commitReplyStep(
      ctx.deps.db,
      run!,
      { status: 'completed', currentNodeId: 'reply', variables: {}, stepCount: 6, updatedAt: at, finishedAt: at },
      [{ seq: 6, nodeId: 'reply', nodeType: 'action.send_message', status: 'completed', input: {}, output: { effects: [] } }],
      { workspaceId: run!.workspaceId, conversationId: run!.conversationId!, channelId: channel.id, contactId: run!.contactId! },
      [{ text: 'third', attachments: [], quickReplies: null, meta: {} }],
    );
    expect(committed!.claim).toBeNull();
    expect(committed!.replies.map((r) => [r.text, r.attempts])).toEqual([['third', 0]]);
  });
});
