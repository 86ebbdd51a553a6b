import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_TEST_RUNS_PER_WORKSPACE } from '../src/http/test-run-slots';
import { flow } from './flow-helpers';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { waitFor } from './processes';

let ctx: TestContext;
let owner: Session;
let server: ServerType;
let base: string;
/** A customer's system that takes every request and never answers. */
let hang: Server;
let hangUrl: string;
const seen: { path: string; at: number; closedAt?: number }[] = [];

beforeAll(async () => {
  ctx = await createTestContext();
  owner = await signup(ctx.app, 'TestRuns');
  hang = createServer((req) => {
    const entry: { path: string; at: number; closedAt?: number } = { path: req.url ?? '', at: Date.now() };
    seen.push(entry);
    req.socket.once('close', () => (entry.closedAt = Date.now()));
  });
  hang.listen(0, '127.0.0.1');
  await once(hang, 'listening');
  hangUrl = `http://127.0.0.1:${(hang.address() as AddressInfo).port}`;
  server = serve({ fetch: ctx.app.fetch, port: 0, hostname: '127.0.0.1' });
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  hang?.closeAllConnections();
  await new Promise((resolve) => hang?.close(resolve));
  await new Promise((resolve) => server?.close(resolve));
  await ctx?.close();
});

/** A draft that calls the hanging system, then (whatever came back) calls it again. */
async function draftCallingOut(name: string): Promise<string> {
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
  const created = await call(ctx.app, 'POST', '/api/workflows', { cookie: owner.cookie, body: { name, definition } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.id as string;
}

/** A test run over real HTTP, as the editor's browser sends it; `signal` hangs up early. */
function testRun(workflowId: string, signal?: AbortSignal): Promise<Response> {
  return fetch(`${base}/api/workflows/${workflowId}/test-runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: owner.cookie, 'sec-fetch-site': 'same-origin' },
    body: JSON.stringify({ messages: ['hello'] }),
    ...(signal ? { signal } : {}),
  });
}

describe('a test run whose request goes away', () => {
  it('closes its outbound call within a second and runs no further step', async () => {
    const id = await draftCallingOut('Hangs');
    const before = seen.length;
    const caller = new AbortController();
    const answered = testRun(id, caller.signal).catch((err: unknown) => err);
    await waitFor(async () => seen.length > before, 5_000, 10);
    await new Promise((r) => setTimeout(r, 200));
    const abortedAt = Date.now();
    caller.abort();
    expect(await answered).toBeInstanceOf(Error);
    const call1 = seen[before]!;
    expect(call1.path).toBe('/first');
    await waitFor(async () => call1.closedAt !== undefined, 3_000, 10);
    console.log(`[test-run] the stand-in saw its connection closed ${call1.closedAt! - abortedAt} ms after the caller hung up`);
    expect(call1.closedAt! - abortedAt).toBeLessThan(1_000);
    // The second step would call at once if the run went on: nothing comes.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(seen.slice(before).map((s) => s.path)).toEqual(['/first']);
  });
});

describe('test runs at once per workspace', () => {
  it(`refuses a ${MAX_TEST_RUNS_PER_WORKSPACE + 1}th concurrent test run with 429 and frees the slots when callers hang up`, async () => {
    const id = await draftCallingOut('Hangs too');
    const before = seen.length;
    const callers = Array.from({ length: MAX_TEST_RUNS_PER_WORKSPACE }, () => new AbortController());
    const pending = callers.map((c) => testRun(id, c.signal).catch((err: unknown) => err));
    await waitFor(async () => seen.length >= before + MAX_TEST_RUNS_PER_WORKSPACE, 5_000, 10);

    const fourth = await call(ctx.app, 'POST', `/api/workflows/${id}/test-runs`, { cookie: owner.cookie, body: { messages: ['hello'] } });
    expect(fourth.status).toBe(429);
    expect(fourth.res.headers.get('retry-after')).toBe('5');
    expect(fourth.body.error).toMatchObject({
      code: 'rate_limited',
      message: expect.stringContaining(`already has ${MAX_TEST_RUNS_PER_WORKSPACE} test runs going`),
    });

    // Another workspace is not held up by this one.
    const other = await signup(ctx.app, 'Neighbour');
    const quick = await call(ctx.app, 'POST', '/api/workflows', {
      cookie: other.cookie,
      body: {
        name: 'Quick',
        definition: flow(
          [
            { id: 't', type: 'trigger.message_received' },
            { id: 's', type: 'action.send_message', config: { text: 'Hi!' } },
          ],
          [{ source: 't', target: 's' }],
        ),
      },
    });
    const neighbour = await call(ctx.app, 'POST', `/api/workflows/${quick.body.id}/test-runs`, {
      cookie: other.cookie,
      body: { messages: ['hello'] },
    });
    expect(neighbour.status).toBe(200);
    expect(neighbour.body.replies).toEqual([{ text: 'Hi!' }]);

    for (const c of callers) c.abort();
    await Promise.all(pending);
    // The slots come back once the aborted runs have unwound.
    const again = new AbortController();
    const next = testRun(id, again.signal);
    await waitFor(async () => seen.length > before + MAX_TEST_RUNS_PER_WORKSPACE, 5_000, 10);
    again.abort();
    await next.catch(() => undefined);
  });
});
