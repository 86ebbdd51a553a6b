import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_RUN_DEADLINE_MS } from '../src/http/test-run-slots';
import { flow } from './flow-helpers';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { waitFor } from './processes';

/**
 * Every /api request is answered 503 after 30 s. A test run must be stopped before that, its
 * outbound calls closed: otherwise it goes on calling a customer's system for a caller that has
 * already been told it failed.
 */
const API_DEADLINE_MS = 30_000;
let ctx: TestContext;
let owner: Session;
let hang: Server;
let hangUrl: string;
const seen: { path: string; at: number; closedAt?: number }[] = [];

beforeAll(async () => {
  ctx = await createTestContext();
  owner = await signup(ctx.app, 'Deadline');
  hang = createServer((req) => {
    const entry: { path: string; at: number; closedAt?: number } = { path: req.url ?? '', at: Date.now() };
    seen.push(entry);
    req.socket.once('close', () => (entry.closedAt = Date.now()));
  });
  hang.listen(0, '127.0.0.1');
  await once(hang, 'listening');
  hangUrl = `http://127.0.0.1:${(hang.address() as AddressInfo).port}`;
});
afterAll(async () => {
  hang?.closeAllConnections();
  await new Promise((resolve) => hang?.close(resolve));
  await ctx?.close();
});

describe('a test run that outlasts its deadline', () => {
  it('is stopped before the API deadline: its call is closed, no further step runs, the caller gets an answer, not a 503', async () => {
    expect(TEST_RUN_DEADLINE_MS).toBeLessThan(API_DEADLINE_MS);
    const definition = flow(
      [
        { id: 't', type: 'trigger.message_received' },
        {
          id: 'first',
          type: 'action.http_request',
          config: { method: 'GET', url: `${hangUrl}/first`, timeoutMs: 30_000, saveTo: 'vars.first', callForReal: true },
        },
        {
          id: 'second',
          type: 'action.http_request',
          config: { method: 'GET', url: `${hangUrl}/second`, timeoutMs: 30_000, saveTo: 'vars.second', callForReal: true },
        },
      ],
      [
        { source: 't', target: 'first' },
        { source: 'first', target: 'second', sourceHandle: 'success' },
        { source: 'first', target: 'second', sourceHandle: 'error' },
      ],
    );
    const created = await call(ctx.app, 'POST', '/api/workflows', { cookie: owner.cookie, body: { name: 'Slow system', definition } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);

    const started = Date.now();
    const res = await call(ctx.app, 'POST', `/api/workflows/${created.body.id}/test-runs`, {
      cookie: owner.cookie,
      body: { messages: ['hello'] },
    });
    const answeredAfter = Date.now() - started;
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
    expect(answeredAfter).toBeGreaterThanOrEqual(TEST_RUN_DEADLINE_MS - 100);
    expect(answeredAfter).toBeLessThan(API_DEADLINE_MS);
    expect(res.body.status).toBe('failed');
    expect(JSON.stringify(res.body.path)).toContain(`the test run took longer than ${TEST_RUN_DEADLINE_MS / 1000} s`);
    expect(seen.map((s) => s.path)).toEqual(['/first']);
    await waitFor(async () => seen[0]!.closedAt !== undefined, 2_000, 10);
    expect(seen[0]!.closedAt! - started).toBeLessThan(API_DEADLINE_MS);

    // Past the API deadline nothing more comes.
    await new Promise((r) => setTimeout(r, API_DEADLINE_MS - (Date.now() - started) + 1_000));
    expect(seen.map((s) => s.path)).toEqual(['/first']);
  }, 45_000);
});
