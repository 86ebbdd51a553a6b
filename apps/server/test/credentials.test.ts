import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealJson } from '../src/services/crypto';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { createWebchat, customerSays, drain, flow, publishFlow, runsOf } from './flow-helpers';

/** A provider stand-in that records every request and echoes what it was sent. */
type Seen = { url: string; headers: IncomingHttpHeaders; body: string };
async function standIn(answer: (req: Seen) => unknown = (req) => ({ auth: req.headers.authorization ?? null, url: req.url })) {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const entry = { url: req.url ?? '', headers: req.headers, body };
      seen.push(entry);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer(entry)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { seen, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** What an OpenAI-compatible chat completions endpoint answers. */
const completion = () => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-test',
  choices: [{ index: 0, message: { role: 'assistant', content: 'We open at nine.' }, finish_reason: 'stop' }],
});

let ctx: TestContext;
let owner: Session;
let agentKey: string;
let shop: Awaited<ReturnType<typeof standIn>>;
const SECRET = 'shpat_0123456789abcdef';
const texts: string[] = [];

/** Calls the API and keeps every response body, to check no secret value ever comes back. */
async function api(method: string, path: string, options: Parameters<typeof call>[3] = {}) {
  const res = await call(ctx.app, method, path, { cookie: owner.cookie, ...options });
  texts.push(JSON.stringify(res.body));
  return res;
}

beforeAll(async () => {
  ctx = await createTestContext();
  owner = await signup(ctx.app, 'Vault Owner');
  shop = await standIn();
  const key = await api('POST', '/api/api-keys', { body: { name: 'Agent key', role: 'agent' } });
  agentKey = key.body.key;
  await api('PATCH', '/api/workspace', { body: { settings: { httpAllowHosts: ['127.0.0.1', 'localhost'] } } });
});

afterAll(async () => {
  await shop?.close();
  await ctx?.close();
});

describe('credentials API', () => {
  it('saves, lists, replaces and deletes a credential without ever showing its value', async () => {
    const created = await api('POST', '/api/credentials', {
      body: { name: 'crm', value: 'crm-secret-1', hosts: ['CRM.example.com', '*.crm.example.com'] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'crm', hosts: ['crm.example.com', '*.crm.example.com'] });
    expect(created.body).not.toHaveProperty('value');
    expect(
      (await api('POST', '/api/credentials', { body: { name: 'crm', value: 'other-value', hosts: ['crm.example.com'] } })).status,
    ).toBe(409);

    const listed = await api('GET', '/api/credentials');
    expect(listed.body.credentials).toEqual([expect.objectContaining({ name: 'crm', hosts: ['crm.example.com', '*.crm.example.com'] })]);

    // Narrowing the hosts needs nothing more; sending the secret somewhere new needs the value again.
    expect((await api('PATCH', '/api/credentials/crm', { body: { hosts: ['crm.example.com'] } })).body.hosts).toEqual(['crm.example.com']);
    const widened = await api('PUT', '/api/credentials/crm', { body: { hosts: ['crm.example.com', 'evil.example.net'] } });
    expect(widened.status).toBe(400);
    expect(widened.body.error).toMatchObject({ code: 'validation_failed', details: { field: 'value' } });
    const replaced = await api('PUT', '/api/credentials/crm', {
      body: { value: 'crm-secret-2', hosts: ['crm.example.com', 'eu.crm.example.com'] },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body.hosts).toEqual(['crm.example.com', 'eu.crm.example.com']);

    const audit = await ctx.database.pool.query(
      `select action, data from audit_log where workspace_id = $1 and action like 'credential.%' order by created_at`,
      [owner.workspaceId],
    );
    expect(audit.rows.map((r) => r.action)).toEqual(['credential.created', 'credential.updated', 'credential.updated']);
    expect(JSON.stringify(audit.rows)).not.toMatch(/crm-secret/);
    const stored = await ctx.database.pool.query(
      `select sealed_value from workspace_credentials where workspace_id = $1 and name = 'crm'`,
      [owner.workspaceId],
    );
    expect(stored.rows[0].sealed_value).toMatch(/^v1\./);
    expect(stored.rows[0].sealed_value).not.toContain('crm-secret');

    expect((await api('DELETE', '/api/credentials/crm')).status).toBe(204);
    expect((await api('DELETE', '/api/credentials/crm')).status).toBe(404);
    expect(texts.join('\n')).not.toMatch(/crm-secret|other-value/);
  });

  it('refuses bad names, hosts and values with the field named', async () => {
    const bad = [
      { name: 'Shop-API', value: 'long enough', hosts: ['shop.example.com'] },
      { name: 'shop', value: 'long enough', hosts: [] },
      { name: 'shop', value: 'long enough', hosts: ['https://shop.example.com/'] },
      { name: 'shop', value: 'long enough', hosts: ['*.com'] },
      { name: 'shop', value: 'x', hosts: ['shop.example.com'] },
    ];
    for (const body of bad) {
      const res = await api('POST', '/api/credentials', { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    expect((await api('PUT', '/api/credentials/nope', { body: { value: 'long enough' } })).status).toBe(404);
  });

  it('answers agents 403 and keeps each workspace to its own credentials', async () => {
    await api('POST', '/api/credentials', { body: { name: 'mine', value: 'mine-secret-1', hosts: ['mine.example.com'] } });
    for (const [method, path, body] of [
      ['GET', '/api/credentials', undefined],
      ['POST', '/api/credentials', { name: 'agent', value: 'agent-secret', hosts: ['a.example.com'] }],
      ['PUT', '/api/credentials/mine', { value: 'agent-secret' }],
      ['PATCH', '/api/credentials/mine', { hosts: ['mine.example.com'] }],
      ['DELETE', '/api/credentials/mine', undefined],
    ] as const) {
      const res = await call(ctx.app, method, path, { token: agentKey, ...(body ? { body } : {}) });
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    const other = await signup(ctx.app, 'Other Owner');
    expect((await call(ctx.app, 'GET', '/api/credentials', { cookie: other.cookie })).body.credentials).toEqual([]);
    expect((await call(ctx.app, 'PUT', '/api/credentials/mine', { cookie: other.cookie, body: { value: 'takeover-1' } })).status).toBe(404);
    expect((await call(ctx.app, 'DELETE', '/api/credentials/mine', { cookie: other.cookie })).status).toBe(404);
    expect((await call(ctx.app, 'GET', '/api/credentials')).status).toBe(401);
  });
});

describe('{{ secrets.<name> }} in flows', () => {
  let url: string;
  beforeAll(async () => {
    url = `http://127.0.0.1:${shop.port}`;
    await api('POST', '/api/credentials', { body: { name: 'shop', value: SECRET, hosts: ['127.0.0.1'] } });
  });

  const lookup = (target: string, extra: Record<string, unknown> = {}) =>
    flow(
      [
        { id: 't', type: 'trigger.message_received', config: { keywords: ['order'] } },
        {
          id: 'call',
          type: 'action.http_request',
          config: {
            method: 'GET',
            url: target,
            headers: { Authorization: 'Bearer {{ secrets.shop }}' },
            saveTo: 'order',
            callForReal: true,
            ...extra,
          },
        },
        { id: 'say', type: 'action.send_message', config: { text: 'Sent {{ vars.order.body.auth }}; key {{ secrets.shop }}.' } },
      ],
      [
        { source: 't', target: 'call' },
        { source: 'call', sourceHandle: 'success', target: 'say' },
      ],
    );

  it('sends the credential to its host, and the test run shows "[secret]" in its place', async () => {
    const created = await api('POST', '/api/workflows', {
      body: { name: 'Order lookup', definition: lookup(`${url}/orders?api_key=typed-in-key-9`) },
    });
    const before = shop.seen.length;
    const run = await api('POST', `/api/workflows/${created.body.id}/test-runs`, { body: { messages: ['order status?'] } });
    expect(run.status).toBe(200);
    expect(shop.seen.slice(before).map((s) => s.headers.authorization)).toEqual([`Bearer ${SECRET}`]);
    // The stand-in echoed the header back: what the owner reads has it masked; customer text never reads secrets.
    expect(run.body.vars.order.body.auth).toBe('Bearer [secret]');
    expect(run.body.replies).toEqual([{ text: 'Sent Bearer [secret]; key .' }]);
    // The step log names the host only: the path and query are not kept.
    expect(run.body.path.find((p: { nodeId: string }) => p.nodeId === 'call').log).toBe(`GET ${new URL(url).host} -> 200`);
    expect(JSON.stringify(run.body)).not.toMatch(new RegExp(`${SECRET}|typed-in-key-9`));
  });

  it('refuses to send a credential to a host it was not saved for, before any call', async () => {
    const created = await api('POST', '/api/workflows', {
      body: { name: 'Elsewhere', definition: lookup(`http://localhost:${shop.port}/steal`) },
    });
    const before = shop.seen.length;
    const run = await api('POST', `/api/workflows/${created.body.id}/test-runs`, { body: { messages: ['order status?'] } });
    expect(run.body.status).toBe('failed');
    expect(run.body.error).toMatchObject({ nodeId: 'call', field: 'url', message: "The credential 'shop' may only be sent to 127.0.0.1" });
    expect(shop.seen.length).toBe(before);
  });

  it('keeps secret values out of run history', async () => {
    const channel = await createWebchat(ctx, owner.workspaceId);
    const id = await publishFlow(ctx, owner, lookup(`${url}/orders/1?token=typed-token-77`), 'Live lookup');
    const before = shop.seen.length;
    await customerSays(ctx, channel, 'cust-1', 'order please');
    await drain(ctx);
    expect(shop.seen.slice(before).map((s) => [s.headers.authorization, s.url])).toEqual([
      [`Bearer ${SECRET}`, '/orders/1?token=typed-token-77'],
    ]);
    const [run] = await runsOf(ctx, id);
    expect(run!.status).toBe('completed');
    const steps = await ctx.database.pool.query(`select output from run_steps where run_id = $1 order by seq`, [run!.id]);
    const stored = JSON.stringify({ steps: steps.rows, variables: run!.variables });
    expect(stored).toContain('[secret]');
    expect(stored).not.toMatch(new RegExp(`${SECRET}|typed-token-77`));
    const shown = await api('GET', `/api/runs/${run!.id}`);
    expect(shown.status).toBe(200);
    expect(JSON.stringify(shown.body)).not.toMatch(new RegExp(`${SECRET}|typed-token-77`));
  });
});

describe('CRM pushes', () => {
  it('posts the contact to a webhook with a credential header; the timeline keeps no secret', async () => {
    const HOOK = 'hook-token-31337';
    await api('POST', '/api/credentials', { body: { name: 'hook', value: HOOK, hosts: ['127.0.0.1'] } });
    // The webhook's body is signed with this workspace credential (crm-push.test.ts checks the signature).
    await api('POST', '/api/credentials', { body: { name: 'crm_webhook_signing', value: 'signing-secret-31337', hosts: ['127.0.0.1'] } });
    const channel = await createWebchat(ctx, owner.workspaceId);
    const definition = flow(
      [
        { id: 't', type: 'trigger.message_received', config: { keywords: ['crm'] } },
        {
          id: 'push',
          type: 'action.crm',
          config: {
            operation: 'push_webhook',
            url: `http://127.0.0.1:${shop.port}/crm`,
            headers: { Authorization: 'Bearer {{ secrets.hook }}' },
            note: 'Asked about {{ message.text }}',
          },
        },
      ],
      [{ source: 't', target: 'push' }],
    );
    await publishFlow(ctx, owner, definition, 'CRM push');
    const before = shop.seen.length;
    const stored = await customerSays(ctx, channel, 'cust-crm', 'crm please');
    await drain(ctx);
    const got = shop.seen.slice(before);
    expect(got.map((s) => [s.url, s.headers.authorization])).toEqual([['/crm', `Bearer ${HOOK}`]]);
    expect(JSON.parse(got[0]!.body)).toMatchObject({ contact: { name: 'Customer cust-crm' }, note: 'Asked about crm please' });
    const conversation = await api('GET', `/api/conversations/${stored.conversationId}`);
    const events = await api('GET', `/api/contacts/${conversation.body.contactId ?? conversation.body.contact?.id}/events`);
    expect(events.status).toBe(200);
    expect(events.body.events.find((e: { kind: string }) => e.kind === 'crm_push').data).toMatchObject({
      target: 'webhook',
      status: 'done',
    });
    expect(JSON.stringify(events.body)).not.toContain(HOOK);
  });
});

describe('run history read back', () => {
  it('masks a value saved in history before it became a credential', async () => {
    const channel = await createWebchat(ctx, owner.workspaceId);
    const typedIn = 'legacy-token-5555';
    const definition = flow(
      [
        { id: 't', type: 'trigger.message_received', config: { keywords: ['legacy'] } },
        {
          id: 'call',
          type: 'action.http_request',
          config: { method: 'GET', url: `http://127.0.0.1:${shop.port}/orders/${typedIn}`, saveTo: 'order' },
        },
      ],
      [{ source: 't', target: 'call' }],
    );
    const id = await publishFlow(ctx, owner, definition, 'Legacy lookup');
    // 'legacy order' also matches the earlier 'order' flow: the owner puts this one first.
    await api('PUT', '/api/workflows/order', { body: { ids: [id] } });
    await customerSays(ctx, channel, 'cust-legacy', 'legacy order');
    await drain(ctx);
    const [run] = await runsOf(ctx, id);
    expect((await api('GET', `/api/runs/${run!.id}`)).body.run.variables.order.body.url).toContain(typedIn);

    await api('POST', '/api/credentials', { body: { name: 'legacy', value: typedIn, hosts: ['127.0.0.1'] } });
    const shown = await api('GET', `/api/runs/${run!.id}`);
    expect(shown.body.steps.at(-1).output.log).toBe(`GET 127.0.0.1:${shop.port} -> 200`);
    expect(shown.body.run.variables.order.body.url).toBe('/orders/[secret]');
    const listed = await api('GET', `/api/runs?workflowId=${id}`);
    expect(JSON.stringify([shown.body, listed.body])).not.toContain(typedIn);
  });
});

describe('a credential sealed under another APP_SECRET', () => {
  it('stops the step with what to do, and history stays readable', async () => {
    const admin = await signup(ctx.app, 'Rotated Owner');
    const foreign = sealJson(randomBytes(32), 'sealed-elsewhere-1');
    await ctx.database.pool.query(
      `insert into workspace_credentials (workspace_id, name, sealed_value, allowed_hosts) values ($1, 'old', $2, '{127.0.0.1}')`,
      [admin.workspaceId, foreign],
    );
    const definition = flow(
      [
        { id: 't', type: 'trigger.message_received' },
        {
          id: 'call',
          type: 'action.http_request',
          config: { method: 'GET', url: `http://127.0.0.1:${shop.port}/x`, headers: { Authorization: 'Bearer {{ secrets.old }}' } },
        },
      ],
      [{ source: 't', target: 'call' }],
    );
    const created = await call(ctx.app, 'POST', '/api/workflows', { cookie: admin.cookie, body: { name: 'Rotated', definition } });
    const run = await call(ctx.app, 'POST', `/api/workflows/${created.body.id}/test-runs`, {
      cookie: admin.cookie,
      body: { messages: ['hi'] },
    });
    expect(run.status).toBe(200);
    expect(run.body.error).toMatchObject({ nodeId: 'call', field: 'headers.Authorization' });
    expect(run.body.error.message).toContain(
      "The credential 'old' cannot be read with this server's APP_SECRET: enter its value again in Settings → Credentials.",
    );
    expect((await call(ctx.app, 'GET', '/api/runs', { cookie: admin.cookie })).status).toBe(200);
    expect((await call(ctx.app, 'GET', '/api/credentials', { cookie: admin.cookie })).body.credentials).toEqual([
      expect.objectContaining({ name: 'old' }),
    ]);
  });
});

describe('the AI key is the credential "ai"', () => {
  it('clears the key when an admin points the AI at another address, which never receives it', async () => {
    const provider = await standIn(completion);
    const attacker = await standIn(completion);
    const admin = await signup(ctx.app, 'AI Owner');
    const as = (method: string, path: string, body?: unknown) =>
      call(ctx.app, method, path, { cookie: admin.cookie, ...(body ? { body } : {}) });
    const OLD_KEY = 'sk-live-provider-key-123';
    const saved = await as('PATCH', '/api/workspace', {
      settings: { ai: { baseUrl: `http://127.0.0.1:${provider.port}/v1`, model: 'gpt-test', apiKey: OLD_KEY } },
    });
    expect(saved.status).toBe(200);
    expect(saved.body.settings.ai).toEqual({ baseUrl: `http://127.0.0.1:${provider.port}/v1`, model: 'gpt-test', apiKeySet: true });
    expect((await as('GET', '/api/credentials')).body.credentials).toEqual([expect.objectContaining({ name: 'ai', hosts: ['127.0.0.1'] })]);

    const ask = flow(
      [
        { id: 't', type: 'trigger.message_received' },
        { id: 'ai', type: 'action.ai_reply', config: { useKnowledge: false, handoffWhenUnsure: false } },
      ],
      [{ source: 't', target: 'ai' }],
    );
    const created = await as('POST', '/api/workflows', { name: 'AI desk', definition: ask });
    const first = await as('POST', `/api/workflows/${created.body.id}/test-runs`, { messages: ['when do you open?'] });
    expect(first.body.replies).toEqual([{ text: 'We open at nine.' }]);
    expect(provider.seen.map((s) => s.headers.authorization)).toEqual([`Bearer ${OLD_KEY}`]);

    // The admin re-points the AI at a server of their own (another host) to read the stored key.
    const moved = await as('PATCH', '/api/workspace', { settings: { ai: { baseUrl: `http://localhost:${attacker.port}/v1` } } });
    expect(moved.status).toBe(200);
    expect(moved.body.settings.ai.apiKeySet).toBe(false);
    expect((await as('GET', '/api/credentials')).body.credentials).toEqual([]);
    await as('POST', `/api/workflows/${created.body.id}/test-runs`, { messages: ['when do you open?'] });
    expect(attacker.seen.length).toBeGreaterThan(0);
    expect(JSON.stringify(attacker.seen)).not.toContain(OLD_KEY);

    // A key entered for the new address is the admin's own, and goes there.
    await as('PATCH', '/api/workspace', { settings: { ai: { apiKey: 'sk-new-key-for-new-host' } } });
    expect((await as('GET', '/api/credentials')).body.credentials).toEqual([expect.objectContaining({ name: 'ai', hosts: ['localhost'] })]);
    await provider.close();
    await attacker.close();
  });

  it('keeps the key when only the model changes', async () => {
    const admin = await signup(ctx.app, 'Model Owner');
    await call(ctx.app, 'PATCH', '/api/workspace', { cookie: admin.cookie, body: { settings: { ai: { apiKey: 'sk-openai-key-1' } } } });
    const changed = await call(ctx.app, 'PATCH', '/api/workspace', {
      cookie: admin.cookie,
      body: { settings: { ai: { model: 'gpt-4o' } } },
    });
    expect(changed.body.settings.ai).toEqual({ model: 'gpt-4o', apiKeySet: true });
    const listed = await call(ctx.app, 'GET', '/api/credentials', { cookie: admin.cookie });
    expect(listed.body.credentials).toEqual([expect.objectContaining({ name: 'ai', hosts: ['api.openai.com'] })]);
    expect(JSON.stringify([changed.body, listed.body])).not.toContain('sk-openai-key-1');
  });
});
