/**
 * The egress guard through the real app: a tenant's flow HTTP step, AI base URL and channel
 * callback pointed at loopback, private, metadata and oddly spelled addresses. The server here runs
 * with an empty EGRESS_ALLOW (what an operator gets by default), so none of them may open a
 * connection, whatever the workspace's own settings say; a second app over the same database with
 * 127.0.0.1 opened shows the same calls do work when the operator allows them.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Header } from '../../../packages/channels/src/signatures';
import { createApp } from '../src/app';
import type { AppDeps } from '../src/context';
import { deliverMessage } from '../src/pipeline/deliver';
import { flow } from './flow-helpers';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { createChannel, messageRow, postWebhook } from './inbox-fixtures';

/** A real server that counts TCP connections: refused must mean no connection at all. */
interface Target {
  server: Server;
  port: number;
  connections: number;
}

async function listen(host: string, handler: Parameters<typeof createHttpServer>[1]): Promise<Target> {
  const server = createHttpServer(handler);
  const target: Target = { server, port: 0, connections: 0 };
  server.on('connection', (socket: Socket) => {
    target.connections++;
    socket.unref();
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  target.port = (server.address() as AddressInfo).port;
  return target;
}

let ctx: TestContext;
let openedDeps: AppDeps;
let opened: ReturnType<typeof createApp>;
let target: Target;
let hidden: Target;

beforeAll(async () => {
  ctx = await createTestContext({ egressAllow: [] }, { jobs: 'by-hand' });
  openedDeps = { ...ctx.deps, config: { ...ctx.deps.config, egressAllow: ['127.0.0.1'] } };
  opened = createApp(openedDeps);
  hidden = await listen('127.0.0.2', (_req, res) => res.end('{"secret":"internal"}'));
  target = await listen('127.0.0.1', (req, res) => {
    if (req.url === '/redirect') {
      res.writeHead(302, { location: `http://127.0.0.2:${hidden.port}/` });
      return void res.end();
    }
    if (req.url?.startsWith('/v1/')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(
        JSON.stringify({
          id: 'c1',
          object: 'chat.completion',
          created: 0,
          model: 'm',
          choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'We open at nine.' } }],
        }),
      );
    }
    if (req.url === '/hook-500') {
      res.writeHead(500, { 'content-type': 'text/html' });
      return void res.end('<html>Jenkins admin — token ghp_internal123</html>');
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
});
afterAll(async () => {
  for (const t of [target, hidden]) await new Promise<void>((resolve) => t.server.close(() => resolve()));
  await ctx.close();
});

type App = { request: (path: string, init?: RequestInit) => Response | Promise<Response> };

/** A draft that calls whatever URL the test message carries (a GET sent for real), and its test-run answer. */
async function httpStepRun(app: App, owner: Session, url: string) {
  const definition = flow(
    [
      { id: 't', type: 'trigger.message_received' },
      {
        id: 'call',
        type: 'action.http_request',
        config: { method: 'GET', url: '{{ message.text }}', saveTo: 'r', timeoutMs: 3000, callForReal: true },
      },
    ],
    [{ source: 't', target: 'call' }],
  );
  const created = await call(app, 'POST', '/api/workflows', { cookie: owner.cookie, body: { name: 'Call out', definition } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const run = await call(app, 'POST', `/api/workflows/${created.body.id}/test-runs`, { cookie: owner.cookie, body: { messages: [url] } });
  expect(run.status, JSON.stringify(run.body)).toBe(200);
  return run.body as {
    vars: { r: { ok: boolean; status: number | null; error?: string } };
    path: { nodeId: string; output?: string; log?: string }[];
  };
}

async function owner(name: string, settings?: Record<string, unknown>): Promise<Session> {
  const session = await signup(ctx.app, name);
  if (settings) expect((await call(ctx.app, 'PATCH', '/api/workspace', { cookie: session.cookie, body: { settings } })).status).toBe(200);
  return session;
}

describe('flow HTTP steps', () => {
  let tenant: Session;
  beforeAll(async () => {
    // The tenant tries to open loopback for itself: the workspace list may only narrow.
    tenant = await owner('Prober', { httpAllowHosts: ['127.0.0.1', 'localhost', '169.254.169.254', '10.0.0.1'] });
  });

  const P = () => target.port;
  const spellings: [string, () => string][] = [
    ['loopback', () => `http://127.0.0.1:${P()}/`],
    ['decimal', () => `http://2130706433:${P()}/`],
    ['octal', () => `http://0177.0.0.1:${P()}/`],
    ['hex', () => `http://0x7f000001:${P()}/`],
    ['hex dotted', () => `http://0x7f.1:${P()}/`],
    ['short', () => `http://127.1:${P()}/`],
    ['three-part', () => `http://127.0.1:${P()}/`],
    ['IPv6 loopback', () => `http://[::1]:${P()}/`],
    ['IPv4-mapped', () => `http://[::ffff:127.0.0.1]:${P()}/`],
    ['IPv4-mapped hex', () => `http://[::ffff:7f00:1]:${P()}/`],
    ['IPv4-mapped long form', () => `http://[0:0:0:0:0:ffff:127.0.0.1]:${P()}/`],
    ['NAT64', () => `http://[64:ff9b::7f00:1]:${P()}/`],
    ['IPv4-compatible', () => `http://[::7f00:1]:${P()}/`],
    ['unspecified', () => `http://0.0.0.0:${P()}/`],
    ['zero', () => `http://0:${P()}/`],
    ['IPv6 unspecified', () => `http://[::]:${P()}/`],
    ['localhost', () => `http://localhost:${P()}/`],
    ['LOCALHOST', () => `http://LOCALHOST:${P()}/`],
    ['metadata', () => 'http://169.254.169.254/latest/meta-data/'],
    ['metadata mapped', () => 'http://[::ffff:169.254.169.254]/latest/meta-data/'],
    ['metadata NAT64', () => 'http://[64:ff9b::a9fe:a9fe]/'],
    ['metadata decimal', () => 'http://2852039166/'],
    ['metadata name', () => 'http://metadata.google.internal/computeMetadata/v1/'],
    ['metadata short name', () => 'http://metadata/'],
    ['AWS IPv6 metadata', () => 'http://[fd00:ec2::254]/'],
    ['Alibaba metadata', () => 'http://100.100.100.200/'],
    ['CGNAT', () => 'http://100.64.0.1/'],
    ['10/8', () => 'http://10.0.0.1/'],
    ['172.16/12', () => 'http://172.16.0.1/'],
    ['172.31', () => 'http://172.31.255.254/'],
    ['192.168/16', () => 'http://192.168.1.1/'],
    ['fc00::/7', () => 'http://[fc00::1]/'],
    ['fd00::/8', () => 'http://[fd12:3456::1]/'],
    ['link-local IPv6', () => 'http://[fe80::1]/'],
    ['multicast', () => 'http://224.0.0.1/'],
    ['IPv6 multicast', () => 'http://[ff02::1]/'],
    ['broadcast', () => 'http://255.255.255.255/'],
    ['6to4 of loopback', () => 'http://[2002:7f00:1::]/'],
  ];

  it.each(spellings)('refuses %s through a test run, opening no connection', async (_name, url) => {
    const run = await httpStepRun(ctx.app, tenant, url());
    expect(run.vars.r.ok).toBe(false);
    expect(run.vars.r.error).toMatch(/^Refused: \S+ is a (private|cloud metadata) address$/);
    expect(run.path.find((p) => p.nodeId === 'call')?.output).toBe('error');
    expect(target.connections).toBe(0);
  });

  it('reaches 127.0.0.1 once the operator opens it, and the workspace list still narrows', async () => {
    const allowed = await httpStepRun(opened, tenant, `http://127.0.0.1:${target.port}/ok`);
    expect(allowed.vars.r).toMatchObject({ ok: true, status: 200 });
    expect(target.connections).toBeGreaterThan(0);
    const narrow = await owner('Narrow', { httpAllowHosts: ['crm.example.com'] });
    const refused = await httpStepRun(opened, narrow, `http://127.0.0.1:${target.port}/ok`);
    expect(refused.vars.r.error).toBe("Refused: 127.0.0.1 is not in this workspace's allowed hosts");
    // The operator opened 127.0.0.1, not the rest of loopback.
    const other = await httpStepRun(opened, tenant, `http://127.0.0.2:${hidden.port}/`);
    expect(other.vars.r.error).toBe('Refused: 127.0.0.2 is a private address');
    expect(hidden.connections).toBe(0);
  });

  it('does not follow a redirect from an allowed host to a refused one', async () => {
    const run = await httpStepRun(opened, tenant, `http://127.0.0.1:${target.port}/redirect`);
    expect(run.vars.r).toMatchObject({ ok: false, status: 302 });
    expect(JSON.stringify(run)).not.toContain('internal');
    expect(hidden.connections).toBe(0);
  });
});

describe('the AI base URL', () => {
  const aiRun = async (app: App, session: Session) => {
    const definition = flow(
      [
        { id: 't', type: 'trigger.message_received' },
        { id: 'ai', type: 'action.ai_reply', config: { useKnowledge: false, handoffWhenUnsure: false } },
      ],
      [{ source: 't', target: 'ai' }],
    );
    const created = await call(app, 'POST', '/api/workflows', { cookie: session.cookie, body: { name: 'AI desk', definition } });
    const run = await call(app, 'POST', `/api/workflows/${created.body.id}/test-runs`, {
      cookie: session.cookie,
      body: { messages: ['when do you open?'] },
    });
    expect(run.status, JSON.stringify(run.body)).toBe(200);
    return run.body as { replies: { text: string }[]; path: { nodeId: string; output?: string; log?: string }[] };
  };

  it.each([
    ['loopback', () => `http://127.0.0.1:${target.port}/v1`, /^AI unavailable: Refused: 127\.0\.0\.1 is a private address$/],
    ['localhost', () => `http://localhost:${target.port}/v1`, /^AI unavailable: Refused: localhost is a private address$/],
    ['metadata', () => 'http://169.254.169.254/v1', /^AI unavailable: Refused: 169\.254\.169\.254 is a cloud metadata address$/],
  ])('refuses a base URL at %s', async (_name, baseUrl, log) => {
    const before = target.connections;
    const session = await owner('AI prober', { ai: { baseUrl: baseUrl(), model: 'm', apiKey: 'sk-test-key' } });
    const run = await aiRun(ctx.app, session);
    expect(run.replies).toEqual([]);
    expect(run.path.find((p) => p.nodeId === 'ai')).toMatchObject({ output: 'handoff', log: expect.stringMatching(log) });
    expect(target.connections).toBe(before);
  });

  it('answers through a base URL the operator opened', async () => {
    const session = await owner('AI owner', { ai: { baseUrl: `http://127.0.0.1:${target.port}/v1`, model: 'm', apiKey: 'sk-test-key' } });
    expect((await aiRun(opened, session)).replies).toEqual([{ text: 'We open at nine.' }]);
  });
});

describe('channel sends', () => {
  /** An `api` channel calling back to `callbackUrl`; a customer writes, an agent answers, one delivery attempt runs. */
  async function agentReply(deps: AppDeps, callbackUrl: string) {
    const session = await owner('Channel owner');
    const channel = await createChannel(ctx, session, 'api', { callbackUrl });
    const raw = JSON.stringify({ id: `in-${Math.random()}`, from: 'cust-1', text: 'hello' });
    expect(
      (
        await postWebhook(ctx, channel.id, raw, {
          'content-type': 'application/json',
          'x-switchboard-signature': sha256Header(channel.secret!, raw),
        })
      ).status,
    ).toBe(200);
    const { rows } = await ctx.database.pool.query('select id from conversations where channel_id = $1', [channel.id]);
    const posted = await call(ctx.app, 'POST', `/api/conversations/${rows[0].id}/messages`, {
      cookie: session.cookie,
      body: { text: 'Hi there' },
    });
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    const outcome = await deliverMessage(deps, posted.body.id);
    const seen = await call(ctx.app, 'GET', `/api/conversations/${rows[0].id}/messages`, { cookie: session.cookie });
    return { outcome, row: await messageRow(ctx, posted.body.id), shown: JSON.stringify(seen.body) };
  }

  it('fails a send to a private callback URL at once, with a fixed sentence and no connection', async () => {
    const before = target.connections;
    for (const host of ['127.0.0.1', '[::ffff:127.0.0.1]', '2130706433', 'localhost']) {
      const { outcome, row } = await agentReply(ctx.deps, `http://${host}:${target.port}/hook`);
      expect(outcome.kind).toBe('failed');
      expect(row).toMatchObject({ status: 'failed', attempts: 1 });
      expect(row.error).toMatch(/^API callback not called: Refused: \S+ is a private address$/);
    }
    expect(target.connections).toBe(before);
  });

  it('shows a status and a short reason, never the body or a banner, when the operator opened the host', async () => {
    const page = await agentReply(openedDeps, `http://127.0.0.1:${target.port}/hook-500`);
    expect(page.row.error).toBe('API callback answered 500: Internal Server Error');
    expect(page.shown).not.toMatch(/Jenkins|ghp_internal/);

    const banner = createTcpServer((socket) => socket.end('SSH-2.0-OpenSSH_9.6p1 Ubuntu-3 build-7\r\n')).unref();
    await new Promise<void>((resolve) => banner.listen(0, '127.0.0.1', resolve));
    const scanned = await agentReply(openedDeps, `http://127.0.0.1:${(banner.address() as AddressInfo).port}/`);
    expect(scanned.outcome.kind).toBe('retry');
    expect(scanned.row.error).toBe('API callback unreachable: the answer was not HTTP');
    expect(scanned.shown).not.toMatch(/SSH|OpenSSH|Ubuntu/);
    banner.close();
  });
});
