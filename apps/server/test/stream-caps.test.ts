import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_WEBHOOK_RUNS_PER_MINUTE } from '../src/http/routes/flow-webhooks';
import { MAX_STREAMS_PER_HOLDER } from '../src/http/routes/stream';
import { MAX_WIDGET_STREAMS_PER_VISITOR } from '../src/http/routes/widget';
import { flow, publishFlow } from './flow-helpers';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { createChannel } from './inbox-fixtures';
import { waitFor } from './processes';

let ctx: TestContext;
let owner: Session;
let server: ServerType;
let base: string;

beforeAll(async () => {
  ctx = await createTestContext();
  owner = await signup(ctx.app, 'Streams');
  server = serve({ fetch: ctx.app.fetch, port: 0, hostname: '127.0.0.1' });
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  // Streams left open by a failed assertion must not keep the server from closing.
  (server as Server | undefined)?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await ctx?.close();
});

interface OpenStream {
  status: number;
  body: string;
  close(): void;
}

/** Opens an event stream over real HTTP; a 200 is read up to its first comment, so it is open server-side. */
async function openStream(path: string, headers: Record<string, string> = {}): Promise<OpenStream> {
  const caller = new AbortController();
  const res = await fetch(`${base}${path}`, { headers, signal: caller.signal });
  if (res.status !== 200) return { status: res.status, body: await res.text(), close: () => caller.abort() };
  const reader = res.body!.getReader();
  const { value } = await reader.read();
  return { status: 200, body: new TextDecoder().decode(value), close: () => caller.abort() };
}

/** Tries to open one more stream until the server has seen a closed one go (its slot is freed on close). */
const openOnceFreed = (path: string, headers: Record<string, string> = {}) =>
  waitFor(
    async () => {
      const s = await openStream(path, headers);
      if (s.status === 200) return s;
      s.close();
      return undefined;
    },
    5_000,
    50,
  );

describe('the live inbox stream', () => {
  it(`holds at most ${MAX_STREAMS_PER_HOLDER} open streams per session, frees a slot on close, and counts API keys apart`, async () => {
    const headers = { cookie: owner.cookie };
    const open: OpenStream[] = [];
    for (let i = 0; i < MAX_STREAMS_PER_HOLDER; i++) {
      const s = await openStream('/api/stream', headers);
      expect(s.status).toBe(200);
      expect(s.body).toContain(': connected');
      open.push(s);
    }
    const refused = await openStream('/api/stream', headers);
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.body).error).toMatchObject({
      code: 'rate_limited',
      message: expect.stringContaining(`At most ${MAX_STREAMS_PER_HOLDER} live streams`),
    });

    // An API key of the same workspace is another holder.
    const key = await call(ctx.app, 'POST', '/api/api-keys', { cookie: owner.cookie, body: { name: 'stream reader' } });
    expect(key.status).toBe(201);
    const byKey = await openStream('/api/stream', { authorization: `Bearer ${key.body.key}` });
    expect(byKey.status).toBe(200);
    byKey.close();

    open.shift()!.close();
    open.push(await openOnceFreed('/api/stream', headers));
    for (const s of open) s.close();
  });
});

describe('the widget stream', () => {
  it(`holds at most ${MAX_WIDGET_STREAMS_PER_VISITOR} open streams per visitor token and frees a slot on close`, async () => {
    const chat = await createChannel(ctx, owner, 'webchat', {});
    const session = await call(ctx.app, 'POST', `/widget/${chat.id}/sessions`, { body: {} });
    expect(session.status).toBe(200);
    const path = `/widget/${chat.id}/stream?token=${encodeURIComponent(session.body.visitorToken)}`;
    const open: OpenStream[] = [];
    for (let i = 0; i < MAX_WIDGET_STREAMS_PER_VISITOR; i++) {
      const s = await openStream(path);
      expect(s.status).toBe(200);
      open.push(s);
    }
    const refused = await openStream(path);
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.body).error.message).toContain(`At most ${MAX_WIDGET_STREAMS_PER_VISITOR} chat windows`);

    // Another visitor on the same site is not affected.
    const other = await call(ctx.app, 'POST', `/widget/${chat.id}/sessions`, { body: {} });
    const theirs = await openStream(`/widget/${chat.id}/stream?token=${encodeURIComponent(other.body.visitorToken)}`);
    expect(theirs.status).toBe(200);
    theirs.close();

    open.shift()!.close();
    open.push(await openOnceFreed(path));
    for (const s of open) s.close();
  });
});

describe('a flow webhook token', () => {
  it(`starts at most ${MAX_WEBHOOK_RUNS_PER_MINUTE} runs a minute, then answers 429 with Retry-After`, async () => {
    const id = await publishFlow(
      ctx,
      owner,
      flow(
        [
          { id: 't', type: 'trigger.webhook' },
          { id: 'end', type: 'action.end' },
        ],
        [{ source: 't', target: 'end' }],
      ),
      'Hook',
    );
    const detail = await call(ctx.app, 'GET', `/api/workflows/${id}`, { cookie: owner.cookie });
    const path = new URL(detail.body.webhookUrl).pathname;
    for (let i = 0; i < MAX_WEBHOOK_RUNS_PER_MINUTE; i++) {
      const started = await call(ctx.app, 'POST', path, { body: { n: i } });
      expect(started.status, JSON.stringify(started.body)).toBe(202);
    }
    const refused = await call(ctx.app, 'POST', path, { body: { n: 'one too many' } });
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.body.error).toMatchObject({
      code: 'rate_limited',
      message: expect.stringContaining(`${MAX_WEBHOOK_RUNS_PER_MINUTE} runs in the last minute`),
    });
    const { rows } = await ctx.database.pool.query('select count(*)::int as n from workflow_runs where workflow_id = $1', [id]);
    expect(rows[0].n).toBe(MAX_WEBHOOK_RUNS_PER_MINUTE);
  });
});
