import { and, eq } from 'drizzle-orm';
import { contactIdentities, contacts, conversations, workflowRuns } from '@switchboard/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { botReplies, createWebchat, customerSays, drain, flow, publishFlow } from './flow-helpers';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';

let ctx: TestContext;
let owner: Session;
let channel: Awaited<ReturnType<typeof createWebchat>>;
let webhookPath: string;
let n = 0;
const customer = () => `hook-${++n}-${Date.now()}`;

/** Transactions the app opened (the route's database is the test's): the one-statement start opens none. */

const fire = (body: Record<string, unknown>) => call(ctx.app, 'POST', webhookPath, { body });
const runOf = async (runId: string) => (await ctx.database.db.select().from(workflowRuns).where(eq(workflowRuns.id, runId)))[0];
const contactOf = async (externalId: string) =>
  (
    await ctx.database.db
      .select()
      .from(contactIdentities)
      .where(and(eq(contactIdentities.channelId, channel.id), eq(contactIdentities.externalId, externalId)))
  )[0]!.contactId;
const conversationOf = async (id: string) => (await ctx.database.db.select().from(conversations).where(eq(conversations.id, id)))[0];

beforeAll(async () => {
  ctx = await createTestContext({}, { jobs: 'by-hand' });
  owner = await signup(ctx.app, 'HookOwner');
  channel = await createWebchat(ctx, owner.workspaceId);
  const workflowId = await publishFlow(
    ctx,
    owner,
    flow(
      [
        { id: 't', type: 'trigger.webhook' },
        { id: 'say', type: 'action.send_message', config: { text: 'Order {{ trigger.body.ref }} is ready, {{ contact.name }}.' } },
      ],
      [{ source: 't', target: 'say' }],
    ),
    'Order ready',
  );
  const detail = await call(ctx.app, 'GET', `/api/workflows/${workflowId}`, { cookie: owner.cookie });
  webhookPath = new URL(detail.body.webhookUrl).pathname;
});
afterAll(() => ctx.close());

describe('a flow webhook for a customer named by their channel identity', () => {
  it('starts the run in the open conversation', async () => {
    const who = customer();
    const said = await customerSays(ctx, channel, who, 'hi');
    await drain(ctx);
    const started = await fire({ ref: 'A1', contact: { channelId: channel.id, externalId: who } });
    expect(started.status).toBe(202);
    expect(await runOf(started.body.runId)).toMatchObject({
      conversationId: said.conversationId,
      contactId: await contactOf(who),
      status: 'running',
      currentNodeId: 't',
      trigger: { kind: 'webhook', body: { ref: 'A1' } },
    });
    await drain(ctx);
    expect(await botReplies(ctx, said.conversationId!)).toEqual([`Order A1 is ready, Customer ${who}.`]);
  });

  it('reopens a resolved conversation and starts the run there', async () => {
    const who = customer();
    const said = await customerSays(ctx, channel, who, 'hi');
    await drain(ctx);
    await ctx.database.db
      .update(conversations)
      .set({ status: 'resolved', resolvedAt: new Date() })
      .where(eq(conversations.id, said.conversationId!));
    const started = await fire({ ref: 'B2', contact: { channelId: channel.id, externalId: who } });
    expect(started.status).toBe(202);
    expect(await runOf(started.body.runId)).toMatchObject({ conversationId: said.conversationId, status: 'running' });
    expect(await conversationOf(said.conversationId!)).toMatchObject({ status: 'open', resolvedAt: null });
    await drain(ctx);
    expect(await botReplies(ctx, said.conversationId!)).toEqual([`Order B2 is ready, Customer ${who}.`]);
  });

  it('creates a customer never seen, with the name given, and their conversation', async () => {
    const who = customer();
    const started = await fire({ ref: 'C3', contact: { channelId: channel.id, externalId: who, name: 'Ada' } });
    expect(started.status).toBe(202);
    const run = await runOf(started.body.runId);
    expect(run).toMatchObject({ contactId: await contactOf(who), status: 'running' });
    await drain(ctx);
    expect(await botReplies(ctx, run!.conversationId!)).toEqual(['Order C3 is ready, Ada.']);
  });

  it("fills a known customer's missing name before the reply reads it", async () => {
    const who = customer();
    const said = await customerSays(ctx, channel, who, 'hi');
    await drain(ctx);
    await ctx.database.db
      .update(contacts)
      .set({ name: null })
      .where(eq(contacts.id, await contactOf(who)));
    const started = await fire({ ref: 'D4', contact: { channelId: channel.id, externalId: who, name: 'Grace' } });
    expect(started.status).toBe(202);
    await drain(ctx);
    expect(await botReplies(ctx, said.conversationId!)).toEqual(['Order D4 is ready, Grace.']);
  });

  it("answers 404 for another workspace's channel and starts nothing", async () => {
    const other = await signup(ctx.app, 'HookOther');
    const theirs = await createWebchat(ctx, other.workspaceId);
    const who = customer();
    await customerSays(ctx, theirs, who, 'hi');
    await drain(ctx);
    const before = (await ctx.database.db.select({ id: workflowRuns.id }).from(workflowRuns)).length;
    const refused = await fire({ ref: 'E5', contact: { channelId: theirs.id, externalId: who } });
    expect(refused.status).toBe(404);
    expect(refused.body.error.message).toContain('contact.channelId');
    expect((await ctx.database.db.select({ id: workflowRuns.id }).from(workflowRuns)).length).toBe(before);
  });
});

describe('a flow webhook for a customer named by id, phone or email', () => {
  it('starts the run in their latest conversation', async () => {
    const who = customer();
    const said = await customerSays(ctx, channel, who, 'hi');
    await drain(ctx);
    const contactId = await contactOf(who);
    const phone = `+44${n}${Date.now() % 1_000_000}`;
    await ctx.database.db
      .update(contacts)
      .set({ email: `${who}@example.com`, phone })
      .where(eq(contacts.id, contactId));
    const byEmail = await fire({ ref: 'F6', contact: { email: `${who.toUpperCase()}@Example.com` } });
    const byPhone = await fire({ ref: 'G7', contact: { phone } });
    const byId = await fire({ ref: 'H8', contact: { id: contactId } });
    expect([byEmail.status, byPhone.status, byId.status]).toEqual([202, 202, 202]);
    for (const started of [byEmail, byPhone, byId])
      expect(await runOf(started.body.runId)).toMatchObject({ contactId, conversationId: said.conversationId, status: 'running' });
    await drain(ctx);
    expect((await botReplies(ctx, said.conversationId!)).sort()).toEqual(
      ['F6', 'G7', 'H8'].map((ref) => `Order ${ref} is ready, Customer ${who}.`),
    );
  });

  it('opens a conversation for a contact who never talked, on the channel they were seen on', async () => {
    const [contact] = await ctx.database.db
      .insert(contacts)
      .values({ workspaceId: owner.workspaceId, name: 'Lin', phone: `+1555${Date.now() % 1_000_000}` })
      .returning();
    await ctx.database.db
      .insert(contactIdentities)
      .values({ workspaceId: owner.workspaceId, contactId: contact!.id, channelId: channel.id, externalId: customer() });
    const started = await fire({ ref: 'I9', contact: { phone: contact!.phone! } });
    expect(started.status).toBe(202);
    const run = await runOf(started.body.runId);
    expect(run).toMatchObject({ contactId: contact!.id, status: 'running' });
    expect(await conversationOf(run!.conversationId!)).toMatchObject({ contactId: contact!.id, channelId: channel.id, status: 'open' });
    await drain(ctx);
    expect(await botReplies(ctx, run!.conversationId!)).toEqual(['Order I9 is ready, Lin.']);
  });

  it("answers 404 for another workspace's contact id and starts nothing", async () => {
    const other = await signup(ctx.app, 'HookOther2');
    const theirs = await createWebchat(ctx, other.workspaceId);
    const who = `other-${customer()}`;
    const said = await customerSays(ctx, theirs, who, 'hi');
    await drain(ctx);
    const [identity] = await ctx.database.db
      .select()
      .from(contactIdentities)
      .where(and(eq(contactIdentities.channelId, theirs.id), eq(contactIdentities.externalId, who)));
    const refused = await fire({ ref: 'J10', contact: { id: identity!.contactId } });
    expect(refused.status).toBe(404);
    expect(
      await ctx.database.db.select({ id: workflowRuns.id }).from(workflowRuns).where(eq(workflowRuns.conversationId, said.conversationId!)),
    ).toEqual([]);
  });
});
