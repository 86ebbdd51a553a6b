import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Header } from '../../../packages/channels/src/signatures';
import { startStandIn, type StandIn, type StandInReply } from '../../../packages/channels/src/testing/stand-in';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { flow, publishFlow } from './flow-helpers';
import { createChannel, postWebhook } from './inbox-fixtures';
import { waitFor } from './processes';

let ctx: TestContext;
let owner: Session;
let receiver: StandIn;
let channel: { id: string; secret?: string };
const attempts = new Map<string, number>();
/** While true, the customer's system refuses `gone-*` recipients for good. */
let refuseGone = true;

/** The customer's system, misbehaving differently per recipient. */
function behave(to: string, attempt: number): StandInReply {
  if (to.startsWith('hang') && attempt === 1) return { delayMs: 20_000, json: { ok: true } }; // past our 10 s deadline
  if (to.startsWith('e500') && attempt <= 2) return { status: attempt === 1 ? 500 : 502, body: '<html>Bad gateway</html>' };
  if (to.startsWith('e429') && attempt === 1) return { status: 429, headers: { 'retry-after': '2' }, json: { error: 'slow down' } };
  if (to.startsWith('malformed')) return { status: 200, headers: { 'content-type': 'application/json' }, body: '{"id": tru' };
  if (to.startsWith('gone') && refuseGone) return { status: 400, json: { error: { message: `no such user ${to}` } } };
  if (to.startsWith('reset') && attempt === 1) return { status: 200, delayMs: 0, headers: { 'content-length': '100' }, body: 'short' };
  return { json: { id: `their-${to}-${attempt}` } };
}

beforeAll(async () => {
  ctx = await createTestContext();
  owner = await signup(ctx.app, 'Providers');
  receiver = await startStandIn((req) => {
    const { to } = req.json() as { to: string };
    const n = (attempts.get(to) ?? 0) + 1;
    attempts.set(to, n);
    return behave(to, n);
  });
  channel = await createChannel(ctx, owner, 'api', { callbackUrl: `${receiver.baseUrl}/hook` });
  await publishFlow(
    ctx,
    owner,
    flow(
      [
        { id: 't', type: 'trigger.message_received' },
        { id: 'r', type: 'action.send_message', config: { text: 'Got: {{ message.text }}' } },
      ],
      [{ source: 't', target: 'r' }],
    ),
    'Echo',
  );
});
afterAll(async () => {
  await receiver.close();
  await ctx.close();
});

async function say(from: string, text: string) {
  const raw = JSON.stringify({ id: `${from}-${text}`, from, text });
  const res = await postWebhook(ctx, channel.id, raw, {
    'content-type': 'application/json',
    'x-switchboard-signature': sha256Header(channel.secret!, raw),
  });
  expect(res.status).toBe(200);
}

async function outbound(to: string) {
  const { rows } = await ctx.database.pool.query(
    `select m.id, m.status, m.error, m.attempts, m.conversation_id from messages m
     join conversations c on c.id = m.conversation_id join contact_identities i on i.contact_id = c.contact_id
     where m.direction = 'out' and i.external_id = $1 order by m.created_at`,
    [to],
  );
  return rows as { id: string; status: string; error: string | null; attempts: number; conversation_id: string }[];
}

describe('provider faults on delivery', () => {
  it('retries timeouts, 5xx, 429 (after Retry-After) and broken answers without blocking anyone else', async () => {
    const started = Date.now();
    for (const who of ['hang-1', 'e500-1', 'e429-1', 'malformed-1', 'reset-1']) await say(who, 'hello');
    // Healthy conversations keep flowing while one delivery hangs.
    for (let i = 0; i < 5; i++) await say(`ok-${i}`, 'hello');
    await waitFor(
      async () => (await Promise.all([0, 1, 2, 3, 4].map((i) => outbound(`ok-${i}`)))).every((rows) => rows[0]?.status === 'sent'),
      8_000,
    );
    const healthyMs = Date.now() - started;
    expect((await outbound('hang-1'))[0]?.status).toBe('queued');

    await waitFor(async () => (await outbound('e500-1'))[0]?.status === 'sent', 15_000);
    expect((await outbound('e500-1'))[0]).toMatchObject({ attempts: 3, error: null });
    await waitFor(async () => (await outbound('e429-1'))[0]?.status === 'sent', 15_000);
    const e429 = receiver.requests.filter((r) => r.json().to === 'e429-1');
    expect(e429).toHaveLength(2);
    await waitFor(async () => (await outbound('malformed-1'))[0]?.status !== 'queued', 10_000);
    // A 2xx is an acceptance whatever its body: no resend, our id is the reference.
    expect((await outbound('malformed-1'))[0]).toMatchObject({ status: 'sent', attempts: 1 });
    await waitFor(async () => (await outbound('reset-1'))[0]?.status === 'sent', 15_000);

    await waitFor(async () => (await outbound('hang-1'))[0]?.status === 'sent', 25_000);
    const hang = (await outbound('hang-1'))[0]!;
    expect(hang.attempts).toBe(2);
    for (const who of ['hang-1', 'e500-1', 'e429-1', 'malformed-1', 'reset-1', 'ok-0']) expect(await outbound(who), who).toHaveLength(1);
    console.log(
      `[providers] healthy conversations answered in ${healthyMs} ms while one delivery hung; the hung one delivered after ${Date.now() - started} ms (10 s deadline + backoff)`,
    );
  }, 60_000);

  it('shows a send the provider refuses as failed with its error, and sends it again on request', async () => {
    await say('gone-1', 'hello');
    await waitFor(async () => (await outbound('gone-1'))[0]?.status === 'failed', 10_000);
    const [failed] = await outbound('gone-1');
    expect(failed!.error).toContain('no such user gone-1');
    const thread = await call(ctx.app, 'GET', `/api/conversations/${failed!.conversation_id}/messages`, { cookie: owner.cookie });
    expect(thread.body.messages.find((m: { id: string }) => m.id === failed!.id)).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('no such user'),
    });

    refuseGone = false;
    const retried = await call(ctx.app, 'POST', `/api/messages/${failed!.id}/retry`, { cookie: owner.cookie });
    expect(retried.status).toBe(200);
    await waitFor(async () => (await outbound('gone-1'))[0]?.status === 'sent', 10_000);
    expect(await outbound('gone-1')).toHaveLength(1);
  });
});
