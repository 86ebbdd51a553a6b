import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { call, createTestContext, type TestContext } from './helpers';

/** /metrics names every route, its volume and timings: for the operator's scraper only. */
let ctx: TestContext;
const TOKEN = 'scrape-me-0123456789abcdef';

beforeAll(async () => {
  ctx = await createTestContext({ metricsToken: TOKEN });
});
afterAll(() => ctx.close());

describe('/metrics', () => {
  it('is off (404) when METRICS_TOKEN is not set', async () => {
    const app = createApp({ ...ctx.deps, config: { ...ctx.deps.config, metricsToken: undefined } });
    const res = await call(app, 'GET', '/metrics');
    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain('METRICS_TOKEN');
  });

  it('answers 401 without the token, with a wrong one, or with a session cookie', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong-token-0123456789' },
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: TOKEN },
      { cookie: 'sb_session=anything' },
    ];
    for (const headers of attempts) {
      const res = await call(ctx.app, 'GET', '/metrics', { headers });
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.body).toMatchObject({ error: { code: 'unauthorized' } });
      expect(JSON.stringify(res.body)).not.toContain('http_request_duration_seconds');
    }
  });

  it('serves Prometheus text with the token', async () => {
    await call(ctx.app, 'GET', '/healthz');
    const res = await call(ctx.app, 'GET', '/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.res.headers.get('content-type')).toMatch(/text\/plain/);
    expect(res.body).toContain('http_request_duration_seconds');
  });

  it('METRICS_TOKEN is read from the environment and must be at least 16 characters', () => {
    expect(loadConfig({ APP_SECRET: 'x'.repeat(32), METRICS_TOKEN: TOKEN }).metricsToken).toBe(TOKEN);
    expect(loadConfig({ APP_SECRET: 'x'.repeat(32) }).metricsToken).toBeUndefined();
    expect(() => loadConfig({ APP_SECRET: 'x'.repeat(32), METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
  });
});
