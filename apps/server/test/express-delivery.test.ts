import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Header } from '../../../packages/channels/src/signatures';
import { startStandIn, type StandIn } from '../../../packages/channels/src/testing/stand-in';
import { queueOutboundMessage } from '../src/inbox/outbound';
import { expressDeliver, queueStrandedReplies } from '../src/jobs/express-delivery';
import { createTestContext, signup, type Session, type TestContext } from './helpers';
import { createChannel, inboundByProviderId, jobsOf, messageRow, postWebhook } from './inbox-fixtures';

let ctx: TestContext;
let owner: Session;
let receiver: StandIn;
let channel: { id: string; secret?: string };
const received: string[] = [];

beforeAll(async () => {
  ctx = await createTestContext();
  owner = await signup(ctx.app, 'ExpressOwner');
  receiver = await startStandIn((req) => {
    received.push(req.json().text as string);
    return { status: 200, json: { id: `their-${req.json().id}` } };
  });
  channel = await createChannel(ctx, owner, 'api', { callbackUrl: `${receiver.baseUrl}/hook` });
});
afterAll(async () => {
  await receiver.close();
  await ctx.close();
});

/** A customer's conversation on the api channel, opened by a signed inbound webhook. */
async function conversationOf(customer: string) {
  const raw = JSON.stringify({ id: `in-${customer}`, from: customer, text: 'hello' });
  const res = await postWebhook(ctx, channel.id, raw, { 'content-type': 'application/json', 'x-switchboard-signature': sha256Header(channel.secret!, raw) });
  expect(res.status).toBe(200);
  const [inbound] = await inboundByProviderId(ctx, channel.id, `in-${customer}`);
  return { id: inbound.conversation_id as string, contactId: (await ctx.database.pool.query('select contact_id from conversations where id = $1', [inbound.conversation_id])).rows[0].contact_id as string };
}

const reply = (conversationId: string, text: string) =>
  ctx.deps.db.transaction((tx) =>
    queueOutboundMessage(tx, { workspaceId: owner.workspaceId, conversationId, channelId: channel.id, author: 'bot', text }, { express: true }),
  );

describe('express delivery', () => {
  it('sends a flow reply right after commit, with no delivery job at any point', async () => {
    const conversation = await conversationOf('express-1');
    const message = await reply(conversation.id, 'express hello');
    expect((await jobsOf(ctx, 'deliver_message')).filter((j) => j.key === `deliver:${message.id}`)).toEqual([]);
    await expressDeliver(ctx.deps, [message], { channelType: 'api', contactId: conversation.contactId, lastInboundAt: new Date() });
    expect(await messageRow(ctx, message.id)).toMatchObject({ status: 'sent', provider_message_id: `their-${message.id}`, attempts: 1 });
    expect(received).toContain('express hello');
  });

  it('never sends a reply ahead of an earlier one still queued: both join the delivery queue, in order', async () => {
    const conversation = await conversationOf('express-2');
    // The first reply's sender died before sending it; the second is being sent now.
    const stranded = await reply(conversation.id, 'first');
    const next = await reply(conversation.id, 'second');
    await expressDeliver(ctx.deps, [next], { channelType: 'api', contactId: conversation.contactId, lastInboundAt: new Date() });
    expect(received).not.toContain('second');
    expect(await messageRow(ctx, next.id)).toMatchObject({ status: 'queued', attempts: 0 });
    const jobs = (await jobsOf(ctx, 'deliver_message')).filter((j) => j.queue_name === `out:${conversation.id}`);
    expect(jobs.map((j) => j.key)).toEqual([`deliver:${stranded.id}`, `deliver:${next.id}`]);
    // get_job orders by run_at, not by id: equal run_at could send the second first.
    expect(jobs[0].run_at.getTime()).toBeLessThan(jobs[1].run_at.getTime());
  });

  it('sweeps replies left queued over 30 s by a dead sender into delivery jobs, once', async () => {
    const conversation = await conversationOf('express-3');
    const old = await reply(conversation.id, 'left behind');
    const fresh = await reply(conversation.id, 'in flight');
    await ctx.database.pool.query(`update messages set created_at = now() - interval '31 seconds' where id = $1`, [old.id]);
    await ctx.database.pool.query(`update messages set created_at = now() - interval '1 second' where id = $1`, [fresh.id]);
    expect(await queueStrandedReplies(ctx.deps.db)).toBeGreaterThanOrEqual(1);
    // The whole conversation is queued in order, so the fresh one cannot overtake the old one.
    const keys = (await jobsOf(ctx, 'deliver_message')).filter((j) => j.queue_name === `out:${conversation.id}`).map((j) => j.key);
    expect(keys).toEqual([`deliver:${old.id}`, `deliver:${fresh.id}`]);
    await queueStrandedReplies(ctx.deps.db);
    const again = (await jobsOf(ctx, 'deliver_message')).filter((j) => j.queue_name === `out:${conversation.id}`);
    expect(again).toHaveLength(2);
  });
});
