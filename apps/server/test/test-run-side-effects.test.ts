/**
 * Trying a flow in the simulator must not change anything in the owner's other systems: a "create
 * return" step tested against the real shop would really create the return. A stand-in shop counts
 * every request; test runs answer HTTP and CRM steps with their sample responses, send a GET for
 * real only when the step's "Call for real" switch is on, and the published flow calls for real.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { botReplies, createWebchat, customerSays, drain, flow, publishFlow } from './flow-helpers';

type Seen = { method: string; url: string; body: string };
/** A shop (and AI provider) stand-in that records every request. */
async function standIn(answer: (req: Seen) => unknown) {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const entry = { method: req.method ?? '', url: req.url ?? '', body };
      seen.push(entry);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer(entry)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { seen, url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

let ctx: TestContext;
let owner: Session;
let shop: Awaited<ReturnType<typeof standIn>>;

beforeAll(async () => {
  ctx = await createTestContext();
  owner = await signup(ctx.app, 'Shop Owner');
  shop = await standIn((req) => (req.method === 'GET' ? { stock: 12 } : { id: 'RET-REAL' }));
});
afterAll(async () => {
  await shop?.close();
  await ctx?.close();
});

type PathStep = { nodeId: string; output?: string; log?: string; note?: string; name?: string; afterReplies?: number };
type Run = {
  status: string;
  replies: { text: string }[];
  path: PathStep[];
  vars: Record<string, { ok: boolean; status: number; body: unknown }>;
  error?: { message: string };
};

/** A flow whose one HTTP step calls the shop, then says what came back. */
function shopFlow(config: Record<string, unknown>) {
  const step = {
    id: 'call',
    type: 'action.http_request',
    label: 'Create return',
    config: { url: `${shop.url}/returns`, saveTo: 'ret', ...config },
  };
  return flow(
    [
      { id: 't', type: 'trigger.message_received' },
      step,
      { id: 'ok', type: 'action.send_message', config: { text: 'Done: {{ vars.ret.status }} {{ vars.ret.body.id }}' } },
      { id: 'bad', type: 'action.send_message', config: { text: 'Failed: {{ vars.ret.status }}' } },
    ],
    [
      { source: 't', target: 'call' },
      { source: 'call', sourceHandle: 'success', target: 'ok' },
      { source: 'call', sourceHandle: 'error', target: 'bad' },
    ],
  );
}

async function testRun(definition: unknown, contact?: Record<string, string>): Promise<Run> {
  const created = await call(ctx.app, 'POST', '/api/workflows', { cookie: owner.cookie, body: { name: 'Returns', definition } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const run = await call(ctx.app, 'POST', `/api/workflows/${created.body.id}/test-runs`, {
    cookie: owner.cookie,
    body: { messages: ['I want to return my order'], ...(contact ? { contact } : {}) },
  });
  expect(run.status, JSON.stringify(run.body)).toBe(200);
  return run.body as Run;
}

describe('a test run', () => {
  it('never sends a POST "create return": the step answers with its sample and says so', async () => {
    const before = shop.seen.length;
    const run = await testRun(
      shopFlow({ method: 'POST', body: '{"order": "{{ message.text }}"}', testResponse: { status: 201, body: '{"id": "RET-SAMPLE"}' } }),
    );
    expect(shop.seen.length).toBe(before);
    expect(run.replies).toEqual([{ text: 'Done: 201 RET-SAMPLE' }]);
    expect(run.vars.ret).toMatchObject({ ok: true, status: 201, body: { id: 'RET-SAMPLE' } });
    expect(run.path.find((p) => p.nodeId === 'call')).toMatchObject({
      output: 'success',
      note: 'Sample response used (no request sent)',
      name: 'Create return',
      afterReplies: 0,
    });
    expect(run.path.find((p) => p.nodeId === 'ok')?.note).toBeUndefined();
  });

  it('answers 200 and an empty JSON object when the step has no sample', async () => {
    const before = shop.seen.length;
    const run = await testRun(shopFlow({ method: 'POST' }));
    expect(shop.seen.length).toBe(before);
    expect(run.vars.ret).toMatchObject({ ok: true, status: 200, body: {} });
    expect(run.replies).toEqual([{ text: 'Done: 200 ' }]);
  });

  it('follows the error branch when the sample is a failure', async () => {
    const run = await testRun(shopFlow({ method: 'POST', testResponse: { status: 409, body: 'already returned' } }));
    expect(run.replies).toEqual([{ text: 'Failed: 409' }]);
    expect(run.path.find((p) => p.nodeId === 'call')).toMatchObject({ output: 'error', note: 'Sample response used (no request sent)' });
  });

  it('sends a GET only when "Call for real" is on', async () => {
    let before = shop.seen.length;
    const sampled = await testRun(shopFlow({ method: 'GET', url: `${shop.url}/stock` }));
    expect(shop.seen.length).toBe(before);
    expect(sampled.path.find((p) => p.nodeId === 'call')?.note).toBe('Sample response used (no request sent)');

    before = shop.seen.length;
    const real = await testRun(
      shopFlow({ method: 'GET', url: `${shop.url}/stock`, callForReal: true, testResponse: { status: 200, body: '{"stock": 0}' } }),
    );
    expect(shop.seen.slice(before).map((s) => `${s.method} ${s.url}`)).toEqual(['GET /stock']);
    expect(real.vars.ret).toMatchObject({ ok: true, status: 200, body: { stock: 12 } });
    expect(real.path.find((p) => p.nodeId === 'call')?.note).toBeUndefined();
  });

  it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('never sends a %s, even with "Call for real" on', async (method) => {
    const before = shop.seen.length;
    const run = await testRun(shopFlow({ method, callForReal: true, body: '{}' }));
    expect(shop.seen.length).toBe(before);
    expect(run.path.find((p) => p.nodeId === 'call')?.note).toBe('Sample response used (no request sent)');
  });

  it('pushes nothing to a CRM webhook or to HubSpot', async () => {
    await call(ctx.app, 'POST', '/api/credentials', {
      cookie: owner.cookie,
      body: { name: 'hubspot', value: 'pat-test-1', hosts: ['api.hubapi.com'] },
    });
    const before = shop.seen.length;
    const run = await testRun(
      flow(
        [
          { id: 't', type: 'trigger.message_received' },
          {
            id: 'hook',
            type: 'action.crm',
            config: { operation: 'push_webhook', url: `${shop.url}/crm`, note: 'Asked: {{ message.text }}' },
          },
          {
            id: 'hub',
            type: 'action.crm',
            config: { operation: 'push_hubspot', note: 'Chat', testResponse: { status: 200, body: '{"results": [{"id": "hs-1"}]}' } },
          },
          { id: 'say', type: 'action.send_message', config: { text: 'Noted.' } },
        ],
        [
          { source: 't', target: 'hook' },
          { source: 'hook', target: 'hub' },
          { source: 'hub', target: 'say' },
        ],
      ),
      { name: 'Ann Lee', email: 'ann@example.com' },
    );
    expect(shop.seen.length).toBe(before);
    expect(run.status).toBe('completed');
    expect(run.replies).toEqual([{ text: 'Noted.' }]);
    const noted = run.path.filter((p) => p.note).map((p) => [p.nodeId, p.name, p.note]);
    expect(noted).toEqual([
      ['hook', 'CRM', 'Sample response used (no request sent)'],
      ['hub', 'CRM', 'Sample response used (no request sent)'],
    ]);
  });

  it('still asks the AI model: that is what the owner is testing', async () => {
    const provider = await standIn(() => ({
      id: 'c1',
      object: 'chat.completion',
      created: 1,
      model: 'm',
      choices: [{ index: 0, message: { role: 'assistant', content: 'We open at nine.' }, finish_reason: 'stop' }],
    }));
    const saved = await call(ctx.app, 'PATCH', '/api/workspace', {
      cookie: owner.cookie,
      body: { settings: { ai: { baseUrl: `${provider.url}/v1`, model: 'm', apiKey: 'sk-test-1' } } },
    });
    expect(saved.status).toBe(200);
    const run = await testRun(
      flow(
        [
          { id: 't', type: 'trigger.message_received' },
          { id: 'ai', type: 'action.ai_reply', config: { useKnowledge: false, handoffWhenUnsure: false } },
        ],
        [{ source: 't', target: 'ai' }],
      ),
    );
    expect(run.replies).toEqual([{ text: 'We open at nine.' }]);
    expect(provider.seen.length).toBe(1);
    expect(run.path.find((p) => p.nodeId === 'ai')?.note).toBeUndefined();
    await provider.close();
  });
});

describe('the published flow', () => {
  it('really calls the shop when a customer writes', async () => {
    const channel = await createWebchat(ctx, owner.workspaceId);
    await publishFlow(
      ctx,
      owner,
      shopFlow({ method: 'POST', body: '{"order": "{{ message.text }}"}', testResponse: { status: 201, body: '{"id": "RET-SAMPLE"}' } }),
      'Live returns',
    );
    const before = shop.seen.length;
    const stored = await customerSays(ctx, channel, 'cust-return', 'order 42 please');
    await drain(ctx);
    expect(shop.seen.slice(before).map((s) => [s.method, s.url, s.body])).toEqual([['POST', '/returns', '{"order": "order 42 please"}']]);
    expect(await botReplies(ctx, stored.conversationId!)).toEqual(['Done: 200 RET-REAL']);
  });
});
