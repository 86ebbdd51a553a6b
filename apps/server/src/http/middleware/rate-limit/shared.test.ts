import { setTimeout as sleep } from 'node:timers/promises';
import { Hono } from 'hono';
import pino from 'pino';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createErrorHandler } from '../../error-handler';
import { ApiError } from '../../errors';
import { sharedLimit, type SharedLimitOptions } from './shared';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

/** An app whose handler is slow, counting how many requests reached it. */
function appWith(options: Partial<SharedLimitOptions> & { name: string }) {
  const reached = { n: 0 };
  const app = new Hono();
  app.onError(createErrorHandler(pino({ level: 'silent' })));
  app.use(
    '/limited/*',
    sharedLimit({ points: 3, durationS: 60, pool: database.pool, key: (c) => c.req.header('x-key') ?? 'anon', ...options }),
  );
  app.post('/limited/:outcome', async (c) => {
    reached.n++;
    await sleep(50);
    if (c.req.param('outcome') === 'fail') throw new ApiError(401, 'unauthorized', 'no');
    return c.json({ ok: true });
  });
  return { app, reached };
}
const hit = async (app: Hono, key: string, outcome = 'ok') =>
  app.request(`/limited/${outcome}`, { method: 'POST', headers: { 'x-key': key } });

describe('sharedLimit (Postgres)', () => {
  it('reserves before the handler: of 40 parallel requests exactly 3 reach it', async () => {
    const { app, reached } = appWith({ name: 'parallel' });
    const statuses = await Promise.all(Array.from({ length: 40 }, () => hit(app, 'a').then((r) => r.status)));
    expect(reached.n).toBe(3);
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(37);
  });

  it('gives the point back to responses countWhen does not count', async () => {
    const { app } = appWith({ name: 'refund', countWhen: (s) => s === 401 });
    for (let i = 0; i < 10; i++) expect((await hit(app, 'a')).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await hit(app, 'a', 'fail')).status).toBe(401);
    const refused = await hit(app, 'a');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(50);
    expect(await refused.json()).toEqual({ error: { code: 'rate_limited', message: expect.stringContaining('refund') } });
  });

  it('is one limit for every process sharing the database, per key', async () => {
    const one = appWith({ name: 'processes' });
    const two = appWith({ name: 'processes' });
    expect((await hit(one.app, 'k')).status).toBe(200);
    expect((await hit(two.app, 'k')).status).toBe(200);
    expect((await hit(one.app, 'k')).status).toBe(200);
    expect((await hit(two.app, 'k')).status).toBe(429);
    expect((await hit(two.app, 'other')).status).toBe(200);
  });

  it('skips null keys and stores keys hashed', async () => {
    const { app, reached } = appWith({ name: 'skip', key: () => null });
    for (let i = 0; i < 6; i++) expect((await hit(app, 'a')).status).toBe(200);
    expect(reached.n).toBe(6);
    await hit(appWith({ name: 'hashed' }).app, 'someone@example.com');
    const rows = await database.pool.query(`select key from rate_limits where key like 'hashed:%'`);
    expect(rows.rows).toEqual([{ key: expect.stringMatching(/^hashed:[0-9a-f]{64}$/) }]);
  });

  it('keeps limiting in process when Postgres is unreachable, without a 500', async () => {
    const broken = await createTestDatabase();
    const app = new Hono();
    app.onError(createErrorHandler(pino({ level: 'silent' })));
    app.use('*', sharedLimit({ name: 'outage', points: 2, durationS: 60, pool: broken.pool, key: () => 'a' }));
    app.post('/', (c) => c.json({ ok: true }));
    await broken.drop();
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await app.request('/', { method: 'POST' })).status);
    expect(statuses).toEqual([200, 200, 429]);
  });
});
