import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Header } from '../../../packages/channels/src/signatures';
import { flow, publishFlow } from './flow-helpers';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { createChannel } from './inbox-fixtures';
import { waitFor } from './processes';

// The pattern that froze the server for 6-9 s a message under a backtracking engine.
const EVIL = '.{0,40}.{0,40}.{0,40}.{0,40}!';

let ctx: TestContext;
let owner: Session;
let server: ServerType;
let base: string;
let channel: { id: string; secret?: string };

beforeAll(async () => {
  ctx = await createTestContext();
  owner = await signup(ctx.app, 'Regex');
  // The replies are read where the flow stores them; the callback is never reached in this test.
  channel = await createChannel(ctx, owner, 'api', { callbackUrl: 'https://callback.example.com/hook' });
  await publishFlow(
    ctx,
    owner,
    flow(
      [
        { id: 't', type: 'trigger.message_received' },
        { id: 'm', type: 'condition.text_match', config: { cases: [{ id: 'shout', operator: 'regex', values: [EVIL] }] } },
        { id: 'yes', type: 'action.send_message', config: { text: 'You shouted.' } },
        { id: 'no', type: 'action.send_message', config: { text: 'Calm message.' } },
      ],
      [
        { source: 't', target: 'm' },
        { source: 'm', target: 'yes', sourceHandle: 'shout' },
        { source: 'm', target: 'no', sourceHandle: 'else' },
      ],
    ),
    'Evil pattern',
  );
  server = serve({ fetch: ctx.app.fetch, port: 0, hostname: '127.0.0.1' });
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await ctx?.close();
});

/** A customer message through the API channel's signed webhook, over real HTTP. */
async function customerSends(from: string, text: string) {
  const raw = JSON.stringify({ id: `${from}-${Date.now()}`, from, text });
  const res = await fetch(`${base}/webhooks/channels/${channel.id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-switchboard-signature': sha256Header(channel.secret!, raw) },
    body: raw,
  });
  expect(res.status).toBe(200);
}

async function botReplyTo(from: string): Promise<string | undefined> {
  const { rows } = await ctx.database.pool.query(
    `select m.text from messages m join conversations c on c.id = m.conversation_id join contact_identities i on i.contact_id = c.contact_id
     where i.external_id = $1 and m.author = 'bot' order by m.created_at limit 1`,
    [from],
  );
  return rows[0]?.text as string | undefined;
}

/** Calls /healthz back to back until `stop` is set; returns the slowest answer in ms. */
async function healthWhile(done: { stop: boolean }): Promise<{ slowest: number; calls: number }> {
  let slowest = 0;
  let calls = 0;
  while (!done.stop) {
    const t0 = performance.now();
    const res = await fetch(`${base}/healthz`);
    await res.arrayBuffer();
    expect(res.status).toBe(200);
    slowest = Math.max(slowest, performance.now() - t0);
    calls++;
    await new Promise((r) => setTimeout(r, 5));
  }
  return { slowest, calls };
}

describe('an owner regex that backtracks catastrophically elsewhere', () => {
  it('answers 5,000-character messages in well under a second while /healthz keeps answering', async () => {
    // The worker's first job and the pattern's first compile are paid once, before measuring.
    await customerSends('warm-up', 'hello');
    await waitFor(() => botReplyTo('warm-up'), 10_000, 20);
    const done = { stop: false };
    const health = healthWhile(done);
    const cases = [
      { from: 'long-calm', text: 'a'.repeat(5_000), reply: 'Calm message.' },
      // Patterns read a message's first 2,000 characters (MAX_INPUT_LENGTH).
      { from: 'long-shout', text: `${'b'.repeat(1_900)} help! ${'c'.repeat(3_093)}`, reply: 'You shouted.' },
    ];
    const timings: number[] = [];
    for (const c of cases) {
      const t0 = performance.now();
      await customerSends(c.from, c.text);
      expect(await waitFor(() => botReplyTo(c.from), 10_000, 20)).toBe(c.reply);
      timings.push(performance.now() - t0);
    }
    done.stop = true;
    const { slowest, calls } = await health;
    console.log(
      `[regex] replies in ${timings.map((t) => t.toFixed(0)).join(', ')} ms; ${calls} /healthz calls meanwhile, slowest ${slowest.toFixed(0)} ms`,
    );
    for (const t of timings) expect(t).toBeLessThan(1_000);
    expect(calls).toBeGreaterThan(3);
    // A backtracking engine froze it for seconds; what is left is the shared machine's noise.
    expect(slowest).toBeLessThan(500);
  });
});

describe('patterns RE2 cannot run', () => {
  it('are refused at publish with the step and the branch named', async () => {
    const created = await call(ctx.app, 'POST', '/api/workflows', {
      cookie: owner.cookie,
      body: {
        name: 'Lookahead',
        definition: flow(
          [
            { id: 't', type: 'trigger.message_received' },
            {
              id: 'route',
              type: 'condition.text_match',
              config: {
                cases: [
                  { id: 'ok', operator: 'regex', values: ['^hi'] },
                  { id: 'refund', operator: 'regex', values: ['refund(?! later)'] },
                ],
              },
            },
          ],
          [{ source: 't', target: 'route' }],
        ),
      },
    });
    expect(created.status).toBe(201);
    const issue = created.body.validation.errors.find((e: { nodeId?: string }) => e.nodeId === 'route');
    expect(issue).toMatchObject({
      nodeId: 'route',
      field: 'cases.1.values.0',
      message: expect.stringMatching(/^Branch "refund", pattern 1: Lookahead and lookbehind/),
    });
    const published = await call(ctx.app, 'POST', `/api/workflows/${created.body.id}/publish`, { cookie: owner.cookie });
    expect(published.status).toBe(422);
    expect(published.body.error.details.errors).toContainEqual(expect.objectContaining({ nodeId: 'route', field: 'cases.1.values.0' }));
    const backref = await call(ctx.app, 'PUT', `/api/workflows/${created.body.id}`, {
      cookie: owner.cookie,
      body: {
        definition: flow(
          [
            { id: 't', type: 'trigger.message_received' },
            { id: 'dup', type: 'condition.text_match', config: { cases: [{ id: 'twice', operator: 'regex', values: ['(\\w+) \\1'] }] } },
          ],
          [{ source: 't', target: 'dup' }],
        ),
      },
    });
    expect(backref.status).toBe(200);
    expect(backref.body.validation.errors).toContainEqual(
      expect.objectContaining({ nodeId: 'dup', field: 'cases.0.values.0', message: expect.stringContaining('Back-references') }),
    );
  });
});
