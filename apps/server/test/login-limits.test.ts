import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';

const PASSWORD = 'correct horse battery';

let ctx: TestContext;
let owner: Session;
beforeAll(async () => {
  // Behind a proxy, so each test can call from the addresses it needs.
  ctx = await createTestContext({ trustProxy: true });
  owner = await signup(ctx.app, 'Owner');
});
afterAll(() => ctx.close());

type App = { request: (path: string, init?: RequestInit) => Response | Promise<Response> };
const login = (app: App, ip: string, email: string, password: string) =>
  call(app, 'POST', '/api/auth/login', { body: { email, password }, headers: { 'x-forwarded-for': ip } });
const tally = (statuses: number[]) => statuses.reduce<Record<number, number>>((t, s) => ({ ...t, [s]: (t[s] ?? 0) + 1 }), {});

describe('login limits', () => {
  it('200 parallel wrong guesses from one address: at most 10 are checked, and the owner signs in from elsewhere in under 1 s', async () => {
    const attack = Promise.all(
      Array.from({ length: 200 }, (_, i) => login(ctx.app, '203.0.113.66', owner.email, `wrong-guess-${i}`).then((r) => r.status)),
    );
    const started = performance.now();
    const real = await login(ctx.app, '198.51.100.7', owner.email, PASSWORD);
    const took = performance.now() - started;
    const statuses = tally(await attack);

    expect(real.status).toBe(200);
    expect(took).toBeLessThan(1_000);
    // A 401 is a password that was actually checked; everything else was refused before argon2.
    expect(statuses[401] ?? 0).toBeGreaterThan(0);
    expect(statuses[401] ?? 0).toBeLessThanOrEqual(10);
    expect((statuses[401] ?? 0) + (statuses[429] ?? 0)).toBe(200);
  });

  it('counts before the handler: one address gets 10 wrong guesses in all, over any accounts, then 429 with Retry-After', async () => {
    const ip = '203.0.113.10';
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await login(ctx.app, ip, `guess-${i}@example.com`, 'nope-nope-nope')).status);
    expect(statuses).toEqual([...Array(10).fill(401), 429, 429]);
    const refused = await login(ctx.app, ip, owner.email, PASSWORD);
    expect(refused.status).toBe(429);
    expect(Number(refused.res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.body.error.code).toBe('rate_limited');
  });

  it('5 wrong guesses per account and address; never per account alone, so the owner is not locked out', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await login(ctx.app, '203.0.113.20', owner.email, `wrong-${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    // Guesses at the owner's account from 30 other addresses ...
    for (let i = 0; i < 30; i++) expect((await login(ctx.app, `192.0.2.${i + 1}`, owner.email, 'wrong-again')).status).toBe(401);
    // ... leave the owner's own sign-in alone.
    expect((await login(ctx.app, '198.51.100.8', owner.email, PASSWORD)).status).toBe(200);
  });

  it('successful sign-ins give their point back', async () => {
    for (let i = 0; i < 25; i++) expect((await login(ctx.app, '203.0.113.30', owner.email, PASSWORD)).status).toBe(200);
    expect((await login(ctx.app, '203.0.113.30', owner.email, 'one-wrong-one')).status).toBe(401);
  });

  it('two api processes over one database share the limit instead of doubling it', async () => {
    const first = createApp(ctx.deps);
    const second = createApp(ctx.deps);
    const statuses: number[] = [];
    for (let i = 0; i < 16; i++) {
      const app = i % 2 === 0 ? first : second;
      statuses.push((await login(app, '203.0.113.40', `shared-${i}@example.com`, 'nope-nope-nope')).status);
    }
    expect(tally(statuses)).toEqual({ 401: 10, 429: 6 });
    // Stored hashed: no addresses or emails at rest.
    const stored = await ctx.database.pool.query(`select count(*)::int as n from rate_limits where key like 'login-ip:%'`);
    expect(stored.rows[0].n).toBeGreaterThan(0);
    const raw = await ctx.database.pool.query(`select key from rate_limits`);
    expect(JSON.stringify(raw.rows)).not.toContain('203.0.113.40');
    expect(JSON.stringify(raw.rows)).not.toContain(owner.email);
  });

  it('sign-up, reset and invitation links are limited per address too', async () => {
    const signups: number[] = [];
    for (let i = 0; i < 22; i++) {
      const res = await call(ctx.app, 'POST', '/api/auth/signup', {
        body: { email: 'bad' },
        headers: { 'x-forwarded-for': '203.0.113.50' },
      });
      signups.push(res.status);
    }
    expect(tally(signups)).toEqual({ 400: 20, 429: 2 });

    const resets: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await call(ctx.app, 'POST', '/api/auth/reset', {
        body: { token: `made-up-${i}`, password: 'whatever-123' },
        headers: { 'x-forwarded-for': '203.0.113.51' },
      });
      resets.push(res.status);
    }
    expect(tally(resets)).toEqual({ 404: 10, 429: 2 });

    const invitations: number[] = [];
    for (let i = 0; i < 22; i++)
      invitations.push(
        (await call(ctx.app, 'GET', `/api/invitations/made-up-${i}`, { headers: { 'x-forwarded-for': '203.0.113.52' } })).status,
      );
    expect(tally(invitations)).toEqual({ 404: 20, 429: 2 });
  });
});
