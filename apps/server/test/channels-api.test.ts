import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Header } from '../../../packages/channels/src/signatures';
import { startStandIn, type StandIn } from '../../../packages/channels/src/testing/stand-in';
import { deliverMessage, MAX_DELIVERY_ATTEMPTS } from '../src/pipeline/deliver';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { count, createChannel, inboundByProviderId, jobsOf, messageRow, postWebhook, replyAndDeliver } from './inbox-fixtures';

let ctx: TestContext;
let owner: Session;
let receiver: StandIn;
let channel: { id: string; secret?: string; webhookUrl: string };

beforeAll(async () => {
  ctx = await createTestContext({}, { jobs: 'by-hand' });
  owner = await signup(ctx.app, 'ApiOwner');
  receiver = await startStandIn((req) => ({ status: 200, json: { id: `their-${req.json().id}` } }));
  channel = await createChannel(ctx, owner, 'api', { callbackUrl: `${receiver.baseUrl}/hook` });
});
afterAll(async () => {
  await receiver.close();
  await ctx.close();
});

const signed = (body: object, secret = channel.secret!) => {
  const raw = JSON.stringify(body);
  return { raw, headers: { 'content-type': 'application/json', 'x-switchboard-signature': sha256Header(secret, raw) } };
};

describe('generic API channel', () => {
  it('creates the channel with a webhook URL under PUBLIC_URL and a secret shown once', async () => {
    expect(channel.webhookUrl).toBe(`http://switchboard.test/webhooks/channels/${channel.id}`);
    expect(channel.secret).toMatch(/^[\w-]{24,}$/);
    const listed = await call(ctx.app, 'GET', '/api/channels', { cookie: owner.cookie });
    const item = listed.body.channels.find((c: { id: string }) => c.id === channel.id);
    expect(item.secretsSet).toEqual(['secret']);
    expect(JSON.stringify(listed.body)).not.toContain(channel.secret);
  });

  it('stores a signed inbound message with its contact, conversation and route_event job', async () => {
    const { raw, headers } = signed({ id: 'ext-1', from: 'cust-42', text: 'Do you deliver?', name: 'Ana' });
    const res = await postWebhook(ctx, channel.id, raw, headers);
    expect(res.status).toBe(200);
    const [message] = await inboundByProviderId(ctx, channel.id, 'ext-1');
    expect(message).toMatchObject({ direction: 'in', author: 'contact', status: 'received', text: 'Do you deliver?' });
    const { rows } = await ctx.database.pool.query(
      'select c.name, conv.status, conv.waiting_since, conv.last_inbound_at from conversations conv join contacts c on c.id = conv.contact_id where conv.id = $1',
      [message.conversation_id],
    );
    expect(rows[0]).toMatchObject({ name: 'Ana', status: 'open' });
    expect(rows[0].waiting_since).not.toBeNull();
    const jobs = await jobsOf(ctx, 'route_event');
    expect(jobs).toHaveLength(1);
    expect(jobs[0].queue_name).toBe(`conv:${message.conversation_id}`);
    expect(jobs[0].payload).toMatchObject({
      kind: 'message',
      messageId: message.id,
      isFirstMessage: true,
      conversationOpened: true,
      channelId: channel.id,
    });
  });

  it('threads the next message from the same sender into the same conversation', async () => {
    const { raw, headers } = signed({ id: 'ext-2', from: 'cust-42', text: 'On Sundays?' });
    expect((await postWebhook(ctx, channel.id, raw, headers)).status).toBe(200);
    const [first] = await inboundByProviderId(ctx, channel.id, 'ext-1');
    const [second] = await inboundByProviderId(ctx, channel.id, 'ext-2');
    expect(second.conversation_id).toBe(first.conversation_id);
    const jobs = await jobsOf(ctx, 'route_event');
    expect(jobs.at(-1).payload).toMatchObject({ isFirstMessage: false, conversationOpened: false });
  });

  it('drops a redelivered webhook: no new message, no new job', async () => {
    const before = await jobsOf(ctx, 'route_event');
    const { raw, headers } = signed({ id: 'ext-1', from: 'cust-42', text: 'Do you deliver?' });
    expect((await postWebhook(ctx, channel.id, raw, headers)).status).toBe(200);
    expect(await inboundByProviderId(ctx, channel.id, 'ext-1')).toHaveLength(1);
    expect(await jobsOf(ctx, 'route_event')).toHaveLength(before.length);
  });

  it('stores the first messages of a new customer arriving at once under one contact and one conversation', async () => {
    const sends = Array.from({ length: 4 }, (_, i) => signed({ id: `burst-${i}`, from: 'cust-burst', text: `hello ${i}` }));
    const answers = await Promise.all(sends.map(({ raw, headers }) => postWebhook(ctx, channel.id, raw, headers)));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const stored = await Promise.all(sends.map((_, i) => inboundByProviderId(ctx, channel.id, `burst-${i}`)));
    expect(stored.map((rows) => rows.length)).toEqual([1, 1, 1, 1]);
    expect(new Set(stored.map(([m]) => m.conversation_id)).size).toBe(1);
    expect(await count(ctx, `select 1 from contact_identities where external_id = 'cust-burst'`)).toBe(1);
    expect(
      await count(ctx, `select 1 from contacts c join contact_identities ci on ci.contact_id = c.id where ci.external_id = 'cust-burst'`),
    ).toBe(1);
    // Exactly one of them opened the conversation.
    const jobs = (await jobsOf(ctx, 'route_event')).filter((j) => stored.some(([m]) => m.id === j.payload.messageId));
    expect(jobs.map((j) => j.payload.isFirstMessage).sort()).toEqual([false, false, false, true]);
  });

  it('refuses a forged or missing signature and stores nothing', async () => {
    const { raw } = signed({ id: 'forged-1', from: 'mallory', text: 'hi' });
    const forged = await postWebhook(ctx, channel.id, raw, {
      'content-type': 'application/json',
      'x-switchboard-signature': sha256Header('wrong-secret-wrong-secret', raw),
    });
    expect(forged.status).toBe(403);
    const unsigned = await postWebhook(ctx, channel.id, raw, { 'content-type': 'application/json' });
    expect(unsigned.status).toBe(401);
    expect(await count(ctx, `select 1 from contact_identities where external_id = 'mallory'`)).toBe(0);
    expect(await inboundByProviderId(ctx, channel.id, 'forged-1')).toHaveLength(0);
  });

  it('answers 404 for unknown channels, 400 for a malformed body and 413 past 1 MB', async () => {
    expect((await postWebhook(ctx, '00000000-0000-4000-8000-000000000000', '{}', {})).status).toBe(404);
    expect((await postWebhook(ctx, 'not-a-uuid', '{}', {})).status).toBe(404);
    const bad = signed({ nope: true });
    expect((await postWebhook(ctx, channel.id, bad.raw, bad.headers)).status).toBe(400);
    const big = 'x'.repeat(1024 * 1024 + 10);
    expect(
      (
        await postWebhook(ctx, channel.id, big, {
          'content-type': 'application/json',
          'x-switchboard-signature': sha256Header(channel.secret!, big),
        })
      ).status,
    ).toBe(413);
  });

  it('reads a chunked body as it comes: a signed one stored, one past 1 MB refused with 413', async () => {
    const { raw, headers } = signed({ id: 'chunked-1', from: 'cust-chunked', text: 'sent in pieces' });
    const pieces = [raw.slice(0, 10), raw.slice(10, 30), raw.slice(30)];
    expect((await postWebhook(ctx, channel.id, pieces, headers)).status).toBe(200);
    expect(await inboundByProviderId(ctx, channel.id, 'chunked-1')).toMatchObject([{ text: 'sent in pieces' }]);
    const big = Array.from({ length: 17 }, () => 'x'.repeat(64 * 1024));
    expect(
      (
        await postWebhook(ctx, channel.id, big, {
          'content-type': 'application/json',
          'x-switchboard-signature': sha256Header(channel.secret!, big.join('')),
        })
      ).status,
    ).toBe(413);
  });

  it('delivers a reply as a signed POST to the callback URL, and applies status callbacks', async () => {
    const [inbound] = await inboundByProviderId(ctx, channel.id, 'ext-1');
    receiver.reset();
    const { id, outcome } = await replyAndDeliver(ctx, owner, inbound.conversation_id, 'Yes, every day');
    expect(outcome).toMatchObject({ kind: 'sent' });
    expect(receiver.requests).toHaveLength(1);
    const req = receiver.requests[0]!;
    expect(req.path).toBe('/hook');
    expect(req.headers['x-switchboard-signature']).toBe(sha256Header(channel.secret!, req.body));
    expect(req.json()).toEqual({ id, to: 'cust-42', text: 'Yes, every day' });
    const sent = await messageRow(ctx, id);
    expect(sent).toMatchObject({ status: 'sent', provider_message_id: `their-${id}` });

    // Delivering again is a no-op.
    expect(await deliverMessage(ctx.deps, id)).toMatchObject({ kind: 'skipped' });
    expect(receiver.requests).toHaveLength(1);

    const read = signed({ type: 'status', id: `their-${id}`, status: 'read' });
    expect((await postWebhook(ctx, channel.id, read.raw, read.headers)).status).toBe(200);
    expect((await messageRow(ctx, id)).status).toBe('read');
    // Out of order: a late "delivered" never moves a read message back.
    const late = signed({ type: 'status', id: `their-${id}`, status: 'delivered' });
    await postWebhook(ctx, channel.id, late.raw, late.headers);
    expect((await messageRow(ctx, id)).status).toBe('read');
  });

  it('retries a provider answering 500 twice, then delivers exactly once', async () => {
    const [inbound] = await inboundByProviderId(ctx, channel.id, 'ext-1');
    receiver.reset();
    receiver.failNext({ status: 500, body: 'boom' });
    receiver.failNext({ status: 502, body: 'bad gateway' });
    const { id, outcome } = await replyAndDeliver(ctx, owner, inbound.conversation_id, 'Flaky');
    expect(outcome).toMatchObject({ kind: 'retry' });
    expect(await deliverMessage(ctx.deps, id)).toMatchObject({ kind: 'retry' });
    expect(await deliverMessage(ctx.deps, id)).toMatchObject({ kind: 'sent' });
    expect(await deliverMessage(ctx.deps, id)).toMatchObject({ kind: 'skipped' });
    expect(receiver.requests).toHaveLength(3);
    const ids = receiver.requests.map((r) => r.json().id);
    expect(new Set(ids)).toEqual(new Set([id]));
    expect(await messageRow(ctx, id)).toMatchObject({ status: 'sent', attempts: 3, error: null });
  });

  it('waits as long as a 429 Retry-After says, through a rescheduled job', async () => {
    const [inbound] = await inboundByProviderId(ctx, channel.id, 'ext-1');
    receiver.reset();
    receiver.failNext({ status: 429, headers: { 'retry-after': '7' }, json: { error: 'slow down' } });
    const { id, outcome } = await replyAndDeliver(ctx, owner, inbound.conversation_id, 'Busy');
    expect(outcome).toEqual({ kind: 'retry', delayMs: 7000, error: expect.stringContaining('429'), conversationId: expect.any(String) });

    // The task reschedules itself under the message's job key, Retry-After from now.
    const { deliverMessageTask } = await import('../src/pipeline/deliver');
    await ctx.database.pool.query(`update messages set attempts = 0 where id = $1`, [id]);
    receiver.failNext({ status: 429, headers: { 'retry-after': '7' }, json: { error: 'slow down' } });
    const started = Date.now();
    await deliverMessageTask(ctx.deps, { messageId: id });
    const jobs = (await jobsOf(ctx, 'deliver_message')).filter((j) => j.payload.messageId === id);
    expect(jobs.some((j) => j.key === `deliver:${id}` && new Date(j.run_at).getTime() >= started + 6_500)).toBe(true);
    expect((await messageRow(ctx, id)).status).toBe('queued');
  });

  it('marks a message failed with the provider error after the last attempt, and retries it on request', async () => {
    const [inbound] = await inboundByProviderId(ctx, channel.id, 'ext-1');
    receiver.reset();
    for (let i = 0; i < MAX_DELIVERY_ATTEMPTS; i++) receiver.failNext({ status: 503, json: { error: 'down for maintenance' } });
    const { id } = await replyAndDeliver(ctx, owner, inbound.conversation_id, 'Doomed');
    let outcome = await deliverMessage(ctx.deps, id);
    while (outcome.kind === 'retry') outcome = await deliverMessage(ctx.deps, id);
    expect(outcome.kind).toBe('failed');
    const failed = await messageRow(ctx, id);
    expect(failed).toMatchObject({ status: 'failed', attempts: MAX_DELIVERY_ATTEMPTS });
    expect(failed.error).toContain('down for maintenance');

    const retried = await call(ctx.app, 'POST', `/api/messages/${id}/retry`, { cookie: owner.cookie });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ id, status: 'queued', error: null });
    expect(await deliverMessage(ctx.deps, id)).toMatchObject({ kind: 'sent' });
    expect((await call(ctx.app, 'POST', `/api/messages/${id}/retry`, { cookie: owner.cookie })).status).toBe(409);
  });

  it('fails at once on a 4xx the provider will never accept', async () => {
    const [inbound] = await inboundByProviderId(ctx, channel.id, 'ext-1');
    receiver.failNext({ status: 400, json: { error: { message: 'unknown recipient' } } });
    const { outcome } = await replyAndDeliver(ctx, owner, inbound.conversation_id, 'Nope');
    expect(outcome).toMatchObject({ kind: 'failed', error: expect.stringContaining('unknown recipient') });
  });
});
