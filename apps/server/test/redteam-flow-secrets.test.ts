import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { flow, publishFlow } from './flow-helpers';
import { agentSession } from './trust-fixtures';

/**
 * Attacks on flow credentials from inside the workspace: an admin reading a credential (the AI
 * key included) through Liquid filters into the step log, and agents reading secrets typed into
 * flows, webhook addresses and exports.
 */

/** A stand-in for the AI provider's host: records every request line. */
async function standIn() {
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(`${req.url} ${JSON.stringify(req.headers)}`);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { seen, port: (server.address() as AddressInfo).port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const AI_KEY = 'sk-live0123456789abcdefXYZ';
const MESSAGE = "Use {{ secrets.name }} on its own; filters can't be applied to a credential.";
let ctx: TestContext;
let owner: Session;
let agent: Session;
let host: Awaited<ReturnType<typeof standIn>>;

beforeAll(async () => {
  ctx = await createTestContext();
  owner = await signup(ctx.app, 'Secret Owner');
  agent = await agentSession(ctx, ctx.app, owner.workspaceId, 'Flow Agent');
  host = await standIn();
  const patched = await call(ctx.app, 'PATCH', '/api/workspace', {
    cookie: owner.cookie,
    body: { settings: { httpAllowHosts: ['127.0.0.1'], ai: { baseUrl: `http://127.0.0.1:${host.port}/v1`, apiKey: AI_KEY } } },
  });
  expect(patched.status).toBe(200);
});

afterAll(async () => {
  await host?.close();
  await ctx?.close();
});

/** Every way the key could show up: as is, dotted, upper case, reversed. */
function leaks(text: string): boolean {
  const forms = [AI_KEY, AI_KEY.split('').join('.'), AI_KEY.toUpperCase(), AI_KEY.split('').reverse().join('')];
  return forms.some((f) => text.includes(f));
}

const lookup = (url: string) =>
  flow(
    [
      { id: 't', type: 'trigger.message_received', config: { keywords: ['key'] } },
      { id: 'call', type: 'action.http_request', config: { method: 'GET', url, saveTo: 'r', callForReal: true } },
    ],
    [{ source: 't', target: 'call' }],
  );

async function testRun(url: string) {
  const created = await call(ctx.app, 'POST', '/api/workflows', {
    cookie: owner.cookie,
    body: { name: 'Key probe', definition: lookup(url) },
  });
  expect(created.status).toBe(201);
  const before = host.seen.length;
  const run = await call(ctx.app, 'POST', `/api/workflows/${created.body.id}/test-runs`, {
    cookie: owner.cookie,
    body: { messages: ['key please'] },
  });
  expect(run.status).toBe(200);
  return { id: created.body.id as string, created, run, sent: host.seen.slice(before) };
}

describe('credentials through Liquid filters', () => {
  const base = () => `http://127.0.0.1:${host.port}/v1/x/`;

  it('refuses a filtered credential at publish, naming the step and field', async () => {
    const { id, created } = await testRun(`${base()}{{ secrets.ai | split: "" | join: "." }}`);
    expect(created.body.validation.errors).toContainEqual(
      expect.objectContaining({ nodeId: 'call', field: 'url', code: 'secret_filtered', message: MESSAGE }),
    );
    const published = await call(ctx.app, 'POST', `/api/workflows/${id}/publish`, { cookie: owner.cookie });
    expect(published.status).toBe(422);
    expect(published.body.error.details.errors).toContainEqual(
      expect.objectContaining({ nodeId: 'call', field: 'url', code: 'secret_filtered' }),
    );
  });

  it.each([
    ['split and join', '{{ secrets.ai | split: "" | join: "." }}'],
    ['upcase', '{{ secrets.ai | upcase }}'],
    ['reverse', '{{ secrets.ai | split: "" | reverse | join: "" }}'],
    ['a filter argument', '{{ "k" | append: secrets.ai }}'],
    ['an assign tag', '{% assign k = secrets.ai %}{{ k | upcase }}'],
    ['an echo tag', '{% liquid\necho secrets.ai | upcase %}'],
  ])('a test run stops on %s with nothing sent and no key in the answer', async (_name, template) => {
    const { run, sent } = await testRun(`${base()}${template}`);
    expect(run.body.status).toBe('failed');
    expect(run.body.error).toMatchObject({ nodeId: 'call', field: 'url', message: MESSAGE });
    expect(sent).toEqual([]);
    expect(leaks(JSON.stringify(run.body))).toBe(false);
  });

  it.each([
    ['a computed lookup', '{% assign n = "secr" | append: "ets" %}{{ [n].ai | upcase }}'],
    ['a capture', '{% capture k %}{{ secrets.ai }}{% endcapture %}{{ k | upcase }}'],
  ])('%s never reaches the key: the request goes out without it', async (_name, template) => {
    const { run, sent } = await testRun(`${base()}${template}`);
    expect(leaks(JSON.stringify(run.body))).toBe(false);
    expect(leaks(sent.join('\n'))).toBe(false);
  });

  it('sends a bare credential, and the step log names the host only', async () => {
    const { run, sent } = await testRun(`${base()}{{ secrets.ai }}?q=1`);
    expect(run.body.status).not.toBe('failed');
    expect(sent.map((s) => s.split(' ')[0])).toEqual([`/v1/x/${AI_KEY}?q=1`]);
    expect(run.body.path.find((p: { nodeId: string }) => p.nodeId === 'call').log).toBe(`GET 127.0.0.1:${host.port} -> 200`);
    expect(leaks(JSON.stringify(run.body))).toBe(false);
  });
});

describe("agents' view of flow secrets", () => {
  const TG = '987654:PATHSECRETabcdef0123456789';
  const SLACK = 'XyZ0123456789abcdefGHIJKL';
  const HEADER = 'x-auth-literal-4242';
  const FORM = 'formkey55667788';
  const typedIn = [TG, SLACK, HEADER, FORM];
  const definition = flow(
    [
      { id: 't', type: 'trigger.webhook' },
      {
        id: 'tg',
        type: 'action.http_request',
        config: {
          method: 'POST',
          url: `https://api.telegram.org/bot${TG}/sendMessage`,
          headers: { 'X-Api-Auth': HEADER },
          body: `api_key=${FORM}&chat=1`,
        },
      },
      {
        id: 'slack',
        type: 'action.crm',
        config: { operation: 'push_webhook', url: `https://hooks.slack.com/services/T0001/B0001/${SLACK}`, headers: { 'X-Auth': HEADER } },
      },
    ],
    [
      { source: 't', target: 'tg' },
      { source: 'tg', sourceHandle: 'success', target: 'slack' },
    ],
  );
  let id: string;

  beforeAll(async () => {
    const created = await call(ctx.app, 'POST', '/api/workflows', { cookie: owner.cookie, body: { name: 'Hooks', definition } });
    id = created.body.id;
    const published = await call(ctx.app, 'POST', `/api/workflows/${id}/publish`, { cookie: owner.cookie, body: { allowSamples: true } });
    expect(published.status).toBe(200);
  });

  it('shows the webhook address to admins and owners only', async () => {
    const mine = await call(ctx.app, 'GET', `/api/workflows/${id}`, { cookie: owner.cookie });
    expect(mine.body.webhookUrl).toMatch(/\/webhooks\/flows\/\S+$/);
    const theirs = await call(ctx.app, 'GET', `/api/workflows/${id}`, { cookie: agent.cookie });
    expect(theirs.status).toBe(200);
    expect(theirs.body.webhookUrl).toBeNull();
    expect(JSON.stringify(theirs.body)).not.toContain(mine.body.webhookUrl.split('/').pop());
  });

  it('shows agents the scheme and host of outbound steps, no path, headers or body', async () => {
    const shown = await call(ctx.app, 'GET', `/api/workflows/${id}`, { cookie: agent.cookie });
    const node = (nodeId: string) => shown.body.definition.nodes.find((n: { id: string }) => n.id === nodeId).config;
    expect(node('tg')).toEqual({ method: 'POST', url: 'https://api.telegram.org' });
    expect(node('slack')).toEqual({ operation: 'push_webhook', url: 'https://hooks.slack.com' });
    const versions = await call(ctx.app, 'GET', `/api/workflows/${id}/versions`, { cookie: agent.cookie });
    const version = await call(ctx.app, 'GET', `/api/workflows/${id}/versions/${versions.body.versions[0].id}`, { cookie: agent.cookie });
    expect(version.status).toBe(200);
    const text = JSON.stringify([shown.body, version.body]);
    for (const secret of typedIn) expect(text).not.toContain(secret);
  });

  it('refuses exports to agents', async () => {
    const res = await call(ctx.app, 'GET', `/api/workflows/${id}/export`, { cookie: agent.cookie });
    expect(res.status).toBe(403);
    expect(JSON.stringify(res.body)).not.toContain(TG);
  });

  it('exports path tokens, auth headers and form-encoded keys as credential placeholders', async () => {
    const res = await call(ctx.app, 'GET', `/api/workflows/${id}/export`, { cookie: owner.cookie });
    expect(res.status).toBe(200);
    const text = JSON.stringify(res.body);
    for (const secret of typedIn) expect(text).not.toContain(secret);
    const node = (nodeId: string) => res.body.nodes.find((n: { id: string }) => n.id === nodeId).config;
    expect(node('tg').url).toMatch(/^https:\/\/api\.telegram\.org\/bot\{\{ secrets\.\w+ \}\}\/sendMessage$/);
    expect(node('tg').headers['X-Api-Auth']).toMatch(/^\{\{ secrets\.\w+ \}\}$/);
    expect(node('tg').body).toMatch(/^api_key=\{\{ secrets\.\w+ \}\}&chat=1$/);
    expect(node('slack').url).toMatch(/^https:\/\/hooks\.slack\.com\/services\/T0001\/B0001\/\{\{ secrets\.\w+ \}\}$/);
    expect(node('slack').headers['X-Auth']).toMatch(/^\{\{ secrets\.\w+ \}\}$/);
    expect(res.body.requires.filter((r: { kind: string }) => r.kind === 'credential').length).toBeGreaterThanOrEqual(3);
  });
});
