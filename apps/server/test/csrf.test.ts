import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { flow } from './flow-helpers';
import { apiKey } from './trust-fixtures';

/**
 * A page on another site, or on another port of the same host (SameSite=Lax sends the cookie
 * there too), makes the signed-in browser send requests: each must be refused before it acts.
 */
let ctx: TestContext;
let app: ReturnType<typeof createApp>;
let owner: Session;
let flowId: string;
let server: ServerType;
let base: string;

beforeAll(async () => {
  ctx = await createTestContext({ publicUrl: 'https://inbox.example.com' });
  app = createApp(ctx.deps, { rateLimit: false });
  owner = await signup(app, 'Victim');
  const created = await call(app, 'POST', '/api/workflows', {
    cookie: owner.cookie,
    body: { name: 'Live flow', definition: flow([{ id: 't', type: 'trigger.message_received', config: { keywords: ['hi'] } }], []) },
  });
  flowId = created.body.id;
  expect((await call(app, 'POST', `/api/workflows/${flowId}/publish`, { cookie: owner.cookie })).status).toBe(200);
  server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await ctx.close();
});

const status = async () => (await call(app, 'GET', `/api/workflows/${flowId}`, { cookie: owner.cookie })).body.status as string;
const templateCount = async () => (await call(app, 'GET', '/api/workflows', { cookie: owner.cookie })).body.workflows.length as number;

/** A browser's request from `origin` carrying the victim's cookie, on the real server (real Host header). */
function fromPage(origin: string | null, method: string, path: string, body?: unknown, extra: Record<string, string> = {}) {
  const headers: Record<string, string> = { cookie: owner.cookie, ...extra };
  if (origin !== null) headers.origin = origin;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

describe('cross-site requests with the session cookie', () => {
  it('another site pausing a flow (bodiless POST) is refused with 403 naming the Origin; the flow stays active', async () => {
    const res = await fromPage('https://evil.example', 'POST', `/api/workflows/${flowId}/pause`);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'forbidden', details: [{ field: 'origin' }] } });
    expect(await status()).toBe('active');
  });

  it('another port of the same host importing a template (JSON POST) is refused; nothing is created', async () => {
    const before = await templateCount();
    const port = Number(new URL(base).port) + 1;
    const res = await fromPage(`http://127.0.0.1:${port}`, 'POST', '/api/templates/welcome-menu/import', {});
    expect(res.status).toBe(403);
    expect(await templateCount()).toBe(before);
  });

  it('every unsafe method is checked, whatever the content type, and Origin: null too', async () => {
    const attempts: [string, string, unknown?][] = [
      ['PATCH', '/api/workspace', { name: 'Owned' }],
      ['PUT', `/api/workflows/${flowId}`, { name: 'Owned' }],
      ['DELETE', `/api/workflows/${flowId}`],
      ['POST', '/api/api-keys', { name: 'exfil' }],
    ];
    for (const origin of ['https://evil.example', 'null', 'https://inbox.example.com.evil.example']) {
      for (const [method, path, body] of attempts) {
        const res = await fromPage(origin, method, path, body);
        expect(res.status, `${method} ${path} from ${origin}`).toBe(403);
      }
    }
    const form = await fetch(`${base}/api/workflows/${flowId}/pause`, {
      method: 'POST',
      headers: { cookie: owner.cookie, origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1',
    });
    expect(form.status).toBe(403);
    expect(await status()).toBe('active');
    expect((await call(app, 'GET', '/api/workspace', { cookie: owner.cookie })).body.name).not.toBe('Owned');
  });

  it('a foreign Referer without Origin, or neither header with the cookie, is refused', async () => {
    expect(
      (await fromPage(null, 'POST', `/api/workflows/${flowId}/pause`, undefined, { referer: 'https://evil.example/page' })).status,
    ).toBe(403);
    expect((await fromPage(null, 'POST', `/api/workflows/${flowId}/pause`)).status).toBe(403);
    expect(await status()).toBe('active');
  });

  it('login from another site (login CSRF) is refused; a script with no Origin and no cookie may still sign in', async () => {
    const body = JSON.stringify({ email: owner.email, password: 'correct horse battery' });
    const cross = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body,
    });
    expect(cross.status).toBe(403);
    const script = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(script.status).toBe(200);
  });

  it('the app itself (same origin: the server host, or PUBLIC_URL behind a proxy) works, and reads are never checked', async () => {
    expect((await fromPage(base, 'PATCH', '/api/workspace', { name: 'Renamed here' })).status).toBe(200);
    expect((await fromPage('https://inbox.example.com', 'PATCH', '/api/workspace', { name: 'Renamed via proxy' })).status).toBe(200);
    expect(
      (
        await fromPage(
          null,
          'PATCH',
          '/api/workspace',
          { name: 'Same origin' },
          { 'sec-fetch-site': 'same-origin', referer: `${base}/settings` },
        )
      ).status,
    ).toBe(200);
    expect((await fromPage('https://evil.example', 'GET', '/api/workspace')).status).toBe(200);
  });

  it('API keys are exempt (no cookie rides on them), and widget and webhook routes take no cookie', async () => {
    const key = await apiKey(app, owner, 'admin');
    const res = await fetch(`${base}/api/workflows/${flowId}/pause`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.key}`, origin: 'https://evil.example' },
    });
    expect(res.status).toBe(200);
    expect(await status()).toBe('paused');
    const widget = await fetch(`${base}/widget/00000000-0000-4000-8000-000000000000/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://shop.example' },
      body: '{}',
    });
    expect(widget.status).toBe(404);
  });
});
