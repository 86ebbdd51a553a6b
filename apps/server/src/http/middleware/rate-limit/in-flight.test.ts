import { setTimeout as sleep } from 'node:timers/promises';
import { Hono } from 'hono';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createErrorHandler } from '../../error-handler';
import { inFlightCap } from './in-flight';

function appWith(max: number) {
  const running = { now: 0, most: 0 };
  const app = new Hono();
  app.onError(createErrorHandler(pino({ level: 'silent' })));
  app.use('*', inFlightCap({ name: 'test', max, key: (c) => c.req.header('x-key') ?? null }));
  app.post('/', async (c) => {
    running.most = Math.max(running.most, ++running.now);
    await sleep(30);
    running.now--;
    return c.json({ ok: true });
  });
  return { app, running };
}
const hit = async (app: Hono, key?: string) => (await app.request('/', { method: 'POST', headers: key ? { 'x-key': key } : {} })).status;

describe('inFlightCap', () => {
  it('lets `max` requests of a key run at once and answers the rest 429 straight away', async () => {
    const { app, running } = appWith(2);
    const statuses = await Promise.all(Array.from({ length: 50 }, () => hit(app, 'a')));
    expect(running.most).toBe(2);
    expect(statuses.filter((s) => s === 200)).toHaveLength(2);
    expect(statuses.filter((s) => s === 429)).toHaveLength(48);
  });

  it('frees the slot when a request ends, and keeps keys apart', async () => {
    const { app } = appWith(1);
    expect(await hit(app, 'a')).toBe(200);
    expect(await hit(app, 'a')).toBe(200);
    const [a, b] = await Promise.all([hit(app, 'a'), hit(app, 'b')]);
    expect([a, b]).toEqual([200, 200]);
  });

  it('does not cap requests without a key', async () => {
    const { app } = appWith(1);
    const statuses = await Promise.all(Array.from({ length: 5 }, () => hit(app)));
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
  });
});
