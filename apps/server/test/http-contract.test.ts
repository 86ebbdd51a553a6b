import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestContext, signup, type TestContext } from './helpers';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

describe('HTTP contract', () => {
  it('answers malformed JSON with 400 in the error shape', async () => {
    const res = await call(ctx.app, 'POST', '/api/auth/login', { body: '{"email": ', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'bad_request', message: 'The request body is not valid JSON' } });
  });

  it('answers bodies over 1 MB with 413', async () => {
    const big = JSON.stringify({ email: 'a@b.co', password: 'x'.repeat(1024 * 1024 + 10), name: 'n', workspaceName: 'w' });
    const res = await call(ctx.app, 'POST', '/api/auth/signup', { body: big });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  it('answers unknown routes with 404 JSON', async () => {
    const res = await call(ctx.app, 'GET', '/api/does-not-exist');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('serves health, readiness and metrics', async () => {
    expect((await call(ctx.app, 'GET', '/healthz')).body).toEqual({ status: 'ok', role: 'all' });
    const ready = await call(ctx.app, 'GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ok', database: true });
    // Without METRICS_TOKEN the metrics are off (metrics-token.test.ts scrapes them with one).
    const metrics = await call(ctx.app, 'GET', '/metrics');
    expect(metrics.status).toBe(404);
  });

  it('publishes an OpenAPI document that lists the routes, and a docs page', async () => {
    const doc = await call(ctx.app, 'GET', '/api/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    for (const path of ['/api/auth/signup', '/api/auth/login', '/api/me', '/api/workspace', '/api/api-keys', '/api/api-keys/{id}']) {
      expect(Object.keys(doc.body.paths)).toContain(path);
    }
    const docs = await ctx.app.request('/api/docs');
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('/api/openapi.json');
  });
});

describe('workspace scoping', () => {
  it("a second workspace cannot see or revoke the first one's API keys", async () => {
    const first = await signup(ctx.app, 'First');
    const second = await signup(ctx.app, 'Second');
    const key = await call(ctx.app, 'POST', '/api/api-keys', { cookie: first.cookie, body: { name: 'mine' } });
    const seen = await call(ctx.app, 'GET', '/api/api-keys', { cookie: second.cookie });
    expect(seen.body.apiKeys).toEqual([]);
    const revoke = await call(ctx.app, 'DELETE', `/api/api-keys/${key.body.id}`, { cookie: second.cookie });
    expect(revoke.status).toBe(404);
    const stillThere = await call(ctx.app, 'GET', '/api/api-keys', { cookie: first.cookie });
    expect(stillThere.body.apiKeys).toHaveLength(1);
    const other = await call(ctx.app, 'GET', '/api/workspace', { token: key.body.key });
    expect(other.body.id).toBe(first.workspaceId);
  });
});
