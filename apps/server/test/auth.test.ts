import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, cookieFrom, createTestContext, signup, type TestContext } from './helpers';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

describe('signup, login, logout', () => {
  it('signs up an owner with a workspace and an httpOnly SameSite session cookie', async () => {
    const res = await ctx.app.request('/api/auth/signup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'Baker@Example.com', password: 'rye-and-sourdough', name: 'Bea', workspaceName: 'Bea Bakes' }),
    });
    expect(res.status).toBe(201);
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/sb_session=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const body = await res.json();
    expect(body).toMatchObject({ user: { email: 'baker@example.com', name: 'Bea' }, role: 'owner', workspace: { name: 'Bea Bakes' } });

    const me = await call(ctx.app, 'GET', '/api/me', { cookie: cookieFrom(res) });
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe('baker@example.com');
  });

  it('refuses a second account with the same email', async () => {
    const again = await call(ctx.app, 'POST', '/api/auth/signup', {
      body: { email: 'baker@example.com', password: 'another-password', name: 'X', workspaceName: 'Y' },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
  });

  it('logs in, and gives one answer for a wrong password and an unknown email', async () => {
    const ok = await call(ctx.app, 'POST', '/api/auth/login', { body: { email: 'BAKER@example.com', password: 'rye-and-sourdough' } });
    expect(ok.status).toBe(200);
    expect(ok.body.role).toBe('owner');
    const wrong = await call(ctx.app, 'POST', '/api/auth/login', { body: { email: 'baker@example.com', password: 'nope-nope' } });
    const unknown = await call(ctx.app, 'POST', '/api/auth/login', { body: { email: 'nobody@example.com', password: 'nope-nope' } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
  });

  it('logout ends the session', async () => {
    const session = await signup(ctx.app, 'Leaving');
    expect((await call(ctx.app, 'GET', '/api/me', { cookie: session.cookie })).status).toBe(200);
    expect((await call(ctx.app, 'POST', '/api/auth/logout', { cookie: session.cookie })).status).toBe(204);
    expect((await call(ctx.app, 'GET', '/api/me', { cookie: session.cookie })).status).toBe(401);
  });

  it('answers 401 without credentials and with a made-up cookie', async () => {
    expect((await call(ctx.app, 'GET', '/api/me')).status).toBe(401);
    const forged = await call(ctx.app, 'GET', '/api/me', { cookie: 'sb_session=forged' });
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toBe('unauthorized');
  });

  it('validates the signup body field by field', async () => {
    const bad = await call(ctx.app, 'POST', '/api/auth/signup', {
      body: { email: 'not-an-email', password: 'short', name: '', workspaceName: 'x' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    const fields = bad.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['email', 'password', 'name']));
  });
});

describe('API keys', () => {
  it('creates a key shown once, stores only its hash, authenticates with it, and revokes it', async () => {
    const owner = await signup(ctx.app, 'Keys');
    const created = await call(ctx.app, 'POST', '/api/api-keys', { cookie: owner.cookie, body: { name: 'Zapier' } });
    expect(created.status).toBe(201);
    const key: string = created.body.key;
    expect(key).toMatch(/^sb_/);

    const stored = await ctx.database.pool.query('select key_hash from api_keys where id = $1', [created.body.id]);
    expect(stored.rows[0].key_hash).not.toContain(key);
    expect(JSON.stringify(stored.rows)).not.toContain(key);

    const list = await call(ctx.app, 'GET', '/api/api-keys', { cookie: owner.cookie });
    expect(list.body.apiKeys).toHaveLength(1);
    expect(JSON.stringify(list.body)).not.toContain(key);

    const me = await call(ctx.app, 'GET', '/api/workspace', { token: key });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(owner.workspaceId);

    expect((await call(ctx.app, 'DELETE', `/api/api-keys/${created.body.id}`, { cookie: owner.cookie })).status).toBe(204);
    expect((await call(ctx.app, 'GET', '/api/workspace', { token: key })).status).toBe(401);
  });
});

describe('workspace', () => {
  it('reads and patches name, time zone, hours and holidays with clear errors', async () => {
    const owner = await signup(ctx.app, 'Hours');
    const patched = await call(ctx.app, 'PATCH', '/api/workspace', {
      cookie: owner.cookie,
      body: { name: 'Crumbs', timezone: 'Europe/London', businessHours: { sat: [['10:00', '14:00']] }, holidays: ['2026-12-25'] },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Crumbs', timezone: 'Europe/London', holidays: ['2026-12-25'] });
    expect(patched.body.businessHours.sat).toEqual([['10:00', '14:00']]);

    const badZone = await call(ctx.app, 'PATCH', '/api/workspace', { cookie: owner.cookie, body: { timezone: 'Mars/Olympus' } });
    expect(badZone.status).toBe(400);
    expect(badZone.body.error.details[0]).toMatchObject({ field: 'timezone' });
    const badTime = await call(ctx.app, 'PATCH', '/api/workspace', {
      cookie: owner.cookie,
      body: { businessHours: { mon: [['9am', '5pm']] } },
    });
    expect(badTime.status).toBe(400);
  });

  it('keeps the AI key sealed: set, never returned', async () => {
    const owner = await signup(ctx.app, 'Ai');
    const res = await call(ctx.app, 'PATCH', '/api/workspace', {
      cookie: owner.cookie,
      body: { settings: { ai: { apiKey: 'sk-very-secret', model: 'gpt-x' } } },
    });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toContain('sk-very-secret');
    expect(res.body.settings.ai).toMatchObject({ model: 'gpt-x', apiKeySet: true });
    const row = await ctx.database.pool.query('select settings::text from workspaces where id = $1', [owner.workspaceId]);
    expect(row.rows[0].settings).not.toContain('sk-very-secret');
  });
});
