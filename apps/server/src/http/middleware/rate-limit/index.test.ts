import { Hono } from 'hono';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createErrorHandler } from '../../error-handler';
import { ApiError } from '../../errors';
import { addressKey } from './client-ip';
import { clientIp, rateLimit } from './index';

function appWith(options: Partial<Parameters<typeof rateLimit>[0]>, clock: { t: number }) {
  const app = new Hono();
  app.onError(createErrorHandler(pino({ level: 'silent' })));
  app.use(
    '/limited/*',
    rateLimit({ name: 'test', burst: 3, perSecond: 1, key: (c) => c.req.header('x-key') ?? 'anon', now: () => clock.t, ...options }),
  );
  app.post('/limited/:outcome', (c) => {
    if (c.req.param('outcome') === 'fail') throw new ApiError(401, 'unauthorized', 'no');
    return c.json({ ok: true });
  });
  return app;
}

const hit = (app: Hono, key: string, outcome = 'ok') => app.request(`/limited/${outcome}`, { method: 'POST', headers: { 'x-key': key } });

describe('rateLimit', () => {
  it('lets a burst through, then answers 429 with Retry-After in the error shape', async () => {
    const clock = { t: 0 };
    const app = appWith({}, clock);
    for (let i = 0; i < 3; i++) expect((await hit(app, 'a')).status).toBe(200);
    const refused = await hit(app, 'a');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toEqual({ error: { code: 'rate_limited', message: expect.stringContaining('test') } });
  });

  it('keeps one bucket per key and refills over time', async () => {
    const clock = { t: 0 };
    const app = appWith({}, clock);
    for (let i = 0; i < 3; i++) await hit(app, 'a');
    expect((await hit(app, 'a')).status).toBe(429);
    expect((await hit(app, 'b')).status).toBe(200);
    clock.t += 1_000;
    expect((await hit(app, 'a')).status).toBe(200);
    expect((await hit(app, 'a')).status).toBe(429);
    clock.t += 10_000;
    for (let i = 0; i < 3; i++) expect((await hit(app, 'a')).status).toBe(200);
  });

  it('with countWhen, counts only failures: successes never run out', async () => {
    const clock = { t: 0 };
    const app = appWith({ countWhen: (s) => s === 401 }, clock);
    for (let i = 0; i < 20; i++) expect((await hit(app, 'a')).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await hit(app, 'a', 'fail')).status).toBe(401);
    // Once failures emptied the bucket, even a would-be success waits.
    expect((await hit(app, 'a')).status).toBe(429);
  });

  it('skips requests whose key is null', async () => {
    const clock = { t: 0 };
    const app = appWith({ key: () => null }, clock);
    for (let i = 0; i < 10; i++) expect((await hit(app, 'a')).status).toBe(200);
  });

  it('forgets the least recently used keys past maxKeys', async () => {
    const clock = { t: 0 };
    const app = appWith({ maxKeys: 10, burst: 1 }, clock);
    expect((await hit(app, 'first')).status).toBe(200);
    expect((await hit(app, 'first')).status).toBe(429);
    for (let i = 0; i < 20; i++) await hit(app, `k${i}`);
    expect((await hit(app, 'first')).status).toBe(200);
  });

  it('reads X-Forwarded-For only when trusting a proxy, and then only the entry the proxy added', async () => {
    const app = new Hono();
    app.get('/ip', (c) => c.json({ plain: clientIp(c), proxied: clientIp(c, true) }));
    // The client sent "203.0.113.9"; the proxy appended the address it saw.
    const res = await app.request('/ip', { headers: { 'x-forwarded-for': '203.0.113.9, 198.51.100.7' } });
    expect(await res.json()).toEqual({ plain: 'unknown', proxied: '198.51.100.7' });
  });

  it('keys IPv6 callers by their /64, IPv4-mapped ones by the IPv4 address', () => {
    expect(addressKey('2001:db8:1:2::a')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8:0001:0002:ffff:0:0:b')).toBe('2001:db8:1:2::/64');
    expect(addressKey('[2001:db8:1:2:3:4:5:6]')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('not an address')).toBe('not an address');
  });
});
