import { Writable } from 'node:stream';
import pino from 'pino';
import client from 'prom-client';
import { openDatabase } from '@switchboard/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { redactPath } from '../src/http/redact-path';
import { call, createTestContext, signup, type TestContext } from './helpers';
import { flow } from './flow-helpers';

/**
 * A flow webhook's URL is its only credential: whoever reads it can start the flow. It must never
 * be written to a log line or a metrics label, whatever the request does.
 */
let ctx: TestContext;
let logged = '';
let token: string;
const METRICS_TOKEN = 'metrics-token-for-redaction-test';

const sink = new Writable({
  write(chunk, _enc, done) {
    logged += String(chunk);
    done();
  },
});
const logger = pino({ level: 'trace' }, sink);

beforeAll(async () => {
  ctx = await createTestContext({ metricsToken: METRICS_TOKEN });
  const owner = await signup(ctx.app, 'Hooks');
  const created = await call(ctx.app, 'POST', '/api/workflows', {
    cookie: owner.cookie,
    body: {
      name: 'Order hook',
      definition: flow(
        [
          { id: 't', type: 'trigger.webhook' },
          { id: 'e', type: 'action.end' },
        ],
        [{ source: 't', target: 'e' }],
      ),
    },
  });
  const published = await call(ctx.app, 'POST', `/api/workflows/${created.body.id}/publish`, { cookie: owner.cookie });
  token = new URL(published.body.workflow.webhookUrl).pathname.split('/').pop()!;
  expect(token.length).toBeGreaterThan(20);
});
afterAll(() => ctx.close());

describe('flow webhook tokens in logs and metrics', () => {
  it('redactPath turns a token path into the route pattern and leaves others alone', () => {
    expect(redactPath(`/webhooks/flows/${token}`)).toBe('/webhooks/flows/:token');
    expect(redactPath('/webhooks/channels/abc')).toBe('/webhooks/channels/abc');
  });

  it('no log line or metric holds the token: accepted, refused, malformed, and database-down requests', async () => {
    const registry = new client.Registry();
    const app = createApp({ ...ctx.deps, logger }, { rateLimit: false, registry });
    const path = `/webhooks/flows/${token}`;
    expect((await call(app, 'POST', path, { body: { order: 1 } })).status).toBe(202);
    expect((await call(app, 'POST', path, { body: '{"broken"' })).status).toBe(400);
    expect((await call(app, 'POST', path, { body: `${'['.repeat(100)}` })).status).toBe(400);
    expect((await call(app, 'POST', path, { body: { contact: { id: 'not-a-uuid' } } })).status).toBeLessThan(500);
    expect((await call(app, 'GET', path)).status).toBe(404);

    // The database going away: the error handler logs the request's path, redacted.
    const down = openDatabase('postgres://nobody:nothing@127.0.0.1:1/none', { max: 1 });
    try {
      const broken = createApp(
        { ...ctx.deps, db: down.db, pool: down.pool, logger },
        { rateLimit: false, registry: new client.Registry() },
      );
      const res = await call(broken, 'POST', path, { body: { order: 2 } });
      expect(res.status).toBe(503);
    } finally {
      await down.close().catch(() => {});
    }
    expect(logged).toContain('/webhooks/flows/:token');
    expect(logged).not.toContain(token);

    const metrics = await call(app, 'GET', '/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('http_request_duration_seconds');
    expect(metrics.body).not.toContain(token);
  });
});

describe('invitation and reset tokens in logs', () => {
  it('redactPath puts :token in place of an invitation or reset token, keeping the rest of the path', () => {
    expect(redactPath('/api/invitations/abc123')).toBe('/api/invitations/:token');
    expect(redactPath('/api/invitations/abc123/accept')).toBe('/api/invitations/:token/accept');
    expect(redactPath('/invite/abc123')).toBe('/invite/:token');
    expect(redactPath('/reset/abc123')).toBe('/reset/:token');
    expect(redactPath('/api/members/invitations')).toBe('/api/members/invitations');
  });

  it('no log line holds an invitation token when its requests fail on a database that went away', async () => {
    const owner = await signup(ctx.app, 'Inviter');
    const invited = await call(ctx.app, 'POST', '/api/members/invitations', {
      cookie: owner.cookie,
      body: { email: `invitee-${Date.now()}@example.com`, role: 'agent' },
    });
    expect(invited.status).toBe(201);
    const invitation = new URL(invited.body.url as string).pathname.split('/').pop()!;
    expect(invitation.length).toBeGreaterThan(20);
    const down = openDatabase('postgres://nobody:nothing@127.0.0.1:1/none', { max: 1 });
    try {
      const broken = createApp(
        { ...ctx.deps, db: down.db, pool: down.pool, logger },
        { rateLimit: false, registry: new client.Registry() },
      );
      expect((await call(broken, 'GET', `/api/invitations/${invitation}`)).status).toBe(503);
      const accept = await call(broken, 'POST', `/api/invitations/${invitation}/accept`, {
        body: { name: 'Invitee', password: 'correct horse battery' },
      });
      expect(accept.status).toBe(503);
    } finally {
      await down.close().catch(() => {});
    }
    expect(logged).toContain('/api/invitations/:token/accept');
    expect(logged).not.toContain(invitation);
  });
});
