import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Header } from '../../../packages/channels/src/signatures';
import { startStandIn, type StandIn } from '../../../packages/channels/src/testing/stand-in';
import { broadcastTick, sliceSize } from '../src/broadcasts/tick';
import { drain } from './flow-helpers';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { createChannel, postWebhook } from './inbox-fixtures';

let ctx: TestContext;
let owner: Session;
let stand: StandIn;
let channel: { id: string; secret?: string };
const AUDIENCE = 30;
const STOPPED = [3, 11, 27];

/** The pending broadcast_tick jobs, with their payloads. */
const ticks = () =>
  ctx.database.pool
    .query(
      `select j.payload, j.run_at from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id where t.identifier = 'broadcast_tick' order by j.id`,
    )
    .then((r) => r.rows);

/** The customer's endpoint: every message it receives, by recipient. */
const received = () => stand.requests.filter((r) => r.path === '/out').map((r) => r.json<{ to: string; text: string }>());

async function customerSays(from: string, text: string, id: string) {
  const raw = JSON.stringify({ id, from, text });
  const res = await postWebhook(ctx, channel.id, raw, {
    'content-type': 'application/json',
    'x-switchboard-signature': sha256Header(channel.secret!, raw),
  });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  ctx = await createTestContext({}, { jobs: 'by-hand' });
  owner = await signup(ctx.app, 'Broadcaster');
  stand = await startStandIn(() => ({ json: { ok: true } }));
  channel = await createChannel(ctx, owner, 'api', { callbackUrl: `${stand.baseUrl}/out` });
  for (let i = 0; i < AUDIENCE; i++) await customerSays(`cust-${i}`, 'hello', `hello-${i}`);
  for (const i of STOPPED) await customerSays(`cust-${i}`, 'STOP', `stop-${i}`);
  await drain(ctx);
  // Half the audience is tagged `vip`, and one has a city.
  const { rows } = await ctx.database.pool.query(
    `select c.id, ci.external_id from contacts c join contact_identities ci on ci.contact_id = c.id where ci.channel_id = $1`,
    [channel.id],
  );
  for (const row of rows) {
    const n = Number(row.external_id.split('-')[1]);
    const body = { tags: n % 2 === 0 ? ['vip'] : [], ...(n === 4 && { attributes: { city: 'Lyon' } }) };
    expect((await call(ctx.app, 'PATCH', `/api/contacts/${row.id}`, { cookie: owner.cookie, body })).status).toBe(200);
  }
  stand.reset();
});
afterAll(async () => {
  await stand.close();
  await ctx.close();
});

/** Runs the broadcast's slices (each queues the next, and the deliveries it claimed) until it is done. */
async function runToEnd(broadcastId: string) {
  for (let round = 0; round < 10 && (await ticks()).length > 0; round++) await drain(ctx);
  // A delivery that failed under load is retried a second later: the broadcast ends with it.
  for (let wait = 0; wait < 40 && (await retrying()) > 0; wait++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    await drain(ctx);
  }
  return (await call(ctx.app, 'GET', `/api/broadcasts/${broadcastId}`, { cookie: owner.cookie })).body;
}

const retrying = async () =>
  (await ctx.database.pool.query(`select count(*)::int as n from graphile_worker.jobs where attempts > 0 and attempts < max_attempts`))
    .rows[0].n as number;

/** Each slice's messages are stored by one statement: their creation times tell the slices apart. */
async function slicesOf(broadcastId: string) {
  const { rows } = await ctx.database.pool.query(
    `select created_at, count(*)::int as n from messages where meta->>'broadcastId' = $1 group by created_at order by created_at`,
    [broadcastId],
  );
  return rows.map((r) => ({ at: (r.created_at as Date).getTime(), n: r.n as number }));
}

describe('slice size', () => {
  it('sends for the time since the previous slice, one second at first, at most one and a half', () => {
    expect(sliceSize(50, 10_000, undefined)).toBe(50);
    expect(sliceSize(50, 11_000, 10_000)).toBe(50);
    expect(sliceSize(50, 11_200, 10_000)).toBe(60);
    expect(sliceSize(50, 14_000, 10_000)).toBe(75);
    expect(sliceSize(3, 10_100, 10_000)).toBe(1);
  });
});

describe('broadcasts', () => {
  it('sends once to each contact of the segment at the set rate, skipping the opted-out with the reason', async () => {
    const created = await call(ctx.app, 'POST', '/api/broadcasts', {
      cookie: owner.cookie,
      body: { name: 'Spring sale', channelId: channel.id, text: 'Half-price cakes today!', sendRatePerSecond: 10 },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ status: 'scheduled', sendRatePerSecond: 10 });
    const broadcast = await runToEnd(created.body.id);

    expect(broadcast.status).toBe('completed');
    expect(broadcast.progress).toMatchObject({
      total: AUDIENCE,
      skipped: STOPPED.length,
      sent: AUDIENCE - STOPPED.length,
      pending: 0,
      failed: 0,
    });
    const sale = received().filter((m) => m.text === 'Half-price cakes today!');
    const recipients = sale.map((m) => m.to).sort();
    expect(new Set(recipients).size).toBe(recipients.length);
    expect(recipients).toHaveLength(AUDIENCE - STOPPED.length);
    for (const i of STOPPED) expect(recipients).not.toContain(`cust-${i}`);
    // 30 recipients at 10 a second: slices about one second apart, none over one and a half
    // seconds' worth (the skipped are in them too).
    const slices = await slicesOf(created.body.id);
    expect(slices.map((s) => s.n).reduce((a, b) => a + b)).toBe(AUDIENCE - STOPPED.length);
    expect(slices.length).toBeGreaterThanOrEqual(2);
    for (const slice of slices) expect(slice.n).toBeLessThanOrEqual(15);
    for (const [i, slice] of slices.entries()) if (i > 0) expect(slice.at - slices[i - 1]!.at).toBeGreaterThanOrEqual(900);

    const skipped = await call(ctx.app, 'GET', `/api/broadcasts/${created.body.id}/recipients?status=skipped`, { cookie: owner.cookie });
    expect(skipped.body.recipients).toHaveLength(STOPPED.length);
    for (const r of skipped.body.recipients) expect(r.reason).toMatch(/opted out of messages on .* \(they sent STOP\)/);
  });

  it('a slice run again sends nothing twice', async () => {
    const created = await call(ctx.app, 'POST', '/api/broadcasts', {
      cookie: owner.cookie,
      body: { name: 'Again', channelId: channel.id, text: 'Once only', segment: { tags: ['vip'] } },
    });
    const [tick] = await ticks();
    await broadcastTick(ctx.deps, tick.payload);
    // The same slice delivered twice (a retried job): every recipient was claimed the first time.
    expect((await broadcastTick(ctx.deps, tick.payload)).claimed).toBe(0);
    await runToEnd(created.body.id);
    const once = received()
      .filter((m) => m.text === 'Once only')
      .map((m) => m.to);
    expect(new Set(once).size).toBe(once.length);
    expect(once).toHaveLength(15 - STOPPED.filter((i) => i % 2 === 0).length);
  });

  it('a contact who texts STOP while the broadcast is under way is skipped when their turn comes', async () => {
    const created = await call(ctx.app, 'POST', '/api/broadcasts', {
      cookie: owner.cookie,
      body: { name: 'Midway', channelId: channel.id, text: 'Midway news', sendRatePerSecond: 1 },
    });
    const [first] = await ticks();
    await broadcastTick(ctx.deps, first.payload);
    const { rows } = await ctx.database.pool.query(
      `select r.contact_id, ci.external_id from broadcast_recipients r join contact_identities ci on ci.contact_id = r.contact_id where r.broadcast_id = $1 and r.status = 'pending' order by r.id limit 1`,
      [created.body.id],
    );
    // The next slice waits while the STOP is routed, as it would when the STOP lands between two slices.
    const hold = (at: string) =>
      ctx.database.pool.query(`update graphile_worker._private_jobs set run_at = ${at} where key = $1`, [`broadcast:${created.body.id}`]);
    await hold(`now() + interval '1 hour'`);
    await customerSays(rows[0].external_id, 'stop', `late-stop-${rows[0].external_id}`);
    await drain(ctx);
    await hold('now()');
    await ctx.database.pool.query(`update broadcasts set send_rate_per_second = 100 where id = $1`, [created.body.id]);
    await runToEnd(created.body.id);
    const skipped = await call(ctx.app, 'GET', `/api/broadcasts/${created.body.id}/recipients?status=skipped`, { cookie: owner.cookie });
    expect(skipped.body.recipients.map((r: { contactId: string }) => r.contactId)).toContain(rows[0].contact_id);
    expect(
      received()
        .filter((m) => m.text === 'Midway news')
        .map((m) => m.to),
    ).not.toContain(rows[0].external_id);
  });

  it('segments by tag and field filter, with no cap', async () => {
    const created = await call(ctx.app, 'POST', '/api/broadcasts', {
      cookie: owner.cookie,
      body: {
        name: 'Lyon VIPs',
        channelId: channel.id,
        text: 'Lyon only',
        segment: { tags: ['vip'], fields: [{ field: 'attributes.city', operator: 'eq', value: 'lyon' }] },
      },
    });
    const broadcast = await runToEnd(created.body.id);
    expect(broadcast.progress).toMatchObject({ total: 1, sent: 1 });
    expect(
      received()
        .filter((m) => m.text === 'Lyon only')
        .map((m) => m.to),
    ).toEqual(['cust-4']);
  });

  it('a scheduled broadcast waits for its time, and a cancelled one sends nothing more', async () => {
    const at = new Date(Date.now() + 60 * 60_000).toISOString();
    const created = await call(ctx.app, 'POST', '/api/broadcasts', {
      cookie: owner.cookie,
      body: { name: 'Later', channelId: channel.id, text: 'Later', scheduledAt: at },
    });
    expect(created.body.scheduledAt).toBe(at);
    const [tick] = await ticks();
    expect(new Date(tick.run_at).toISOString()).toBe(at);
    const cancelled = await call(ctx.app, 'POST', `/api/broadcasts/${created.body.id}/cancel`, { cookie: owner.cookie });
    expect(cancelled.body.status).toBe('cancelled');
    expect((await call(ctx.app, 'POST', `/api/broadcasts/${created.body.id}/cancel`, { cookie: owner.cookie })).status).toBe(409);
    expect(await broadcastTick(ctx.deps, tick.payload)).toEqual({ claimed: 0, done: true });
    expect(received().filter((m) => m.text === 'Later')).toHaveLength(0);
  });

  it('refuses what cannot be sent, in words', async () => {
    const bad = await call(ctx.app, 'POST', '/api/broadcasts', {
      cookie: owner.cookie,
      body: { name: 'x', channelId: channel.id, text: '  ' },
    });
    expect(bad.status, JSON.stringify(bad.body)).toBe(400);
    const filter = await call(ctx.app, 'POST', '/api/broadcasts', {
      cookie: owner.cookie,
      body: { name: 'x', channelId: channel.id, text: 'hi', segment: { fields: [{ field: 'password', operator: 'eq', value: 'x' }] } },
    });
    expect(filter.status).toBe(400);
    const other = await signup(ctx.app, 'Other');
    const foreign = await call(ctx.app, 'POST', '/api/broadcasts', {
      cookie: other.cookie,
      body: { name: 'x', channelId: channel.id, text: 'hi' },
    });
    expect(foreign.status).toBe(400);
    expect(
      (
        await call(
          ctx.app,
          'GET',
          `/api/broadcasts/${(await call(ctx.app, 'GET', '/api/broadcasts', { cookie: owner.cookie })).body.broadcasts[0].id}`,
          { cookie: other.cookie },
        )
      ).status,
    ).toBe(404);
  });
});
