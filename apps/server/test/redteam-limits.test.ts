import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_WIDGET_STREAMS_PER_VISITOR } from '../src/http/routes/widget';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { createChannel } from './inbox-fixtures';

// Attacks on the keys the rate limits count by: a client-written X-Forwarded-For, a fresh IPv6
// address per request, and other spellings of the same credential.
let ctx: TestContext;
let owner: Session;
let server: ServerType;
let base: string;

beforeAll(async () => {
  // Behind one proxy that appends the address it saw to X-Forwarded-For.
  ctx = await createTestContext({ trustProxy: true });
  owner = await signup(ctx.app, 'Limits');
  server = serve({ fetch: ctx.app.fetch, port: 0, hostname: '127.0.0.1' });
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  (server as Server | undefined)?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await ctx?.close();
});

const failedLogin = (forwardedFor: string, i: number) =>
  call(ctx.app, 'POST', '/api/auth/login', {
    body: { email: `guess-${i}-${forwardedFor.length}@example.com`, password: 'wrong-wrong-1' },
    headers: { 'x-forwarded-for': forwardedFor },
  }).then((r) => r.status);

describe('client addresses behind a proxy', () => {
  it('a client that writes its own X-Forwarded-For entries still draws from the bucket of the address the proxy saw', async () => {
    const statuses: number[] = [];
    // "<spoofed>, <what the proxy appended>": the spoofed part changes every time.
    for (let i = 0; i < 12; i++) statuses.push(await failedLogin(`10.66.${i}.1, 203.0.113.90`, i));
    expect(statuses).toEqual([...Array(10).fill(401), 429, 429]);
    // The address the client claimed is not blamed: a real caller there is unaffected.
    expect(await failedLogin('10.66.0.1', 99)).toBe(401);
  });

  it('an IPv6 client rotating addresses inside its /64 shares one bucket; the next /64 does not', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push(await failedLogin(`2001:db8:5:6::${(i + 1).toString(16)}`, i));
    expect(statuses).toEqual([...Array(10).fill(401), 429, 429]);
    expect(await failedLogin('2001:db8:5:7::1', 50)).toBe(401);
  });
});

describe('per-caller API limit', () => {
  it('counts every spelling of one API key against the one key', async () => {
    const created = await call(ctx.app, 'POST', '/api/api-keys', { cookie: owner.cookie, body: { name: 'spelled many ways' } });
    const key = created.body.key as string;
    const spellings = [`Bearer ${key}`, `bearer ${key}`, `BEARER    ${key}`, `Bearer\t${key}`];
    // 800 at once against a bucket of 600: with a bucket per spelling none would be refused.
    const statuses = await Promise.all(
      Array.from({ length: 800 }, (_, i) =>
        call(ctx.app, 'GET', '/api/me', { headers: { authorization: spellings[i % 4]! } }).then((r) => r.status),
      ),
    );
    expect(new Set(statuses)).toEqual(new Set([200, 429]));
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(100);
  });

  it('counts every spelling of one session cookie against the one session', async () => {
    // A session of its own: this one ends the test with an empty bucket.
    const caller = await signup(ctx.app, 'Cookie Caller');
    const token = caller.cookie.split('=')[1]!;
    const spellings = [`sb_session=${token}`, `sb_session="${token}"`, `theme=dark; sb_session=${token}`, `sb_session=${token}; x=1`];
    const statuses = await Promise.all(
      Array.from({ length: 800 }, (_, i) =>
        call(ctx.app, 'GET', '/api/me', { headers: { cookie: spellings[i % 4]!, 'sec-fetch-site': 'same-origin' } }).then((r) => r.status),
      ),
    );
    expect(new Set(statuses)).toEqual(new Set([200, 429]));
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(100);
  });
});

describe('widget stream slots', () => {
  it(`hold ${MAX_WIDGET_STREAMS_PER_VISITOR} streams per visitor however the token is sent`, async () => {
    const chat = await createChannel(ctx, owner, 'webchat', {});
    const visitorToken = (await call(ctx.app, 'POST', `/widget/${chat.id}/sessions`, { body: {} })).body.visitorToken as string;
    const path = `/widget/${chat.id}/stream`;
    const ways: [string, Record<string, string>][] = [
      [`${path}?token=${encodeURIComponent(visitorToken)}`, {}],
      [path, { authorization: `Bearer ${visitorToken}` }],
      [path, { authorization: `bearer   ${visitorToken}` }],
      [path, { authorization: `BEARER ${visitorToken}` }],
    ];
    const callers: AbortController[] = [];
    try {
      const statuses: number[] = [];
      for (const [url, headers] of ways) {
        const caller = new AbortController();
        callers.push(caller);
        const res = await fetch(`${base}${url}`, { headers, signal: caller.signal });
        statuses.push(res.status);
        // Read up to the first comment so the stream is open server-side.
        if (res.status === 200) await res.body!.getReader().read();
      }
      expect(statuses).toEqual([...Array(MAX_WIDGET_STREAMS_PER_VISITOR).fill(200), 429]);
    } finally {
      for (const caller of callers) caller.abort();
    }
  });
});
