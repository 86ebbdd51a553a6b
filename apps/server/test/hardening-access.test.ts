import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { addMember, call, cookieFrom, createTestContext, signup, type Session, type TestContext } from './helpers';
import { createWebchat, customerSays, flow } from './flow-helpers';

let ctx: TestContext;
let a: Session;
let b: Session;
/** Ids of workspace A's things, by path parameter. */
const ids: Record<string, string> = {};
let agentCookie: string;
let agentKey: string;
let aKey: string;

const PASSWORD = 'correct horse battery';
const SECRET_FLOW_HEADER = 'Bearer flow-header-secret-123456';

beforeAll(async () => {
  ctx = await createTestContext();
  a = await signup(ctx.app, 'Alpha');
  b = await signup(ctx.app, 'Bravo');
  const wf = await call(ctx.app, 'POST', '/api/workflows', {
    cookie: a.cookie,
    body: {
      name: 'Alpha flow',
      definition: flow(
        [
          { id: 't', type: 'trigger.message_received' },
          {
            id: 'h',
            type: 'action.http_request',
            config: { method: 'GET', url: 'https://example.com/x', headers: { Authorization: SECRET_FLOW_HEADER } },
          },
        ],
        [{ source: 't', target: 'h', sourceHandle: undefined }],
      ),
    },
  });
  ids.workflow = wf.body.id;
  const published = await call(ctx.app, 'POST', `/api/workflows/${ids.workflow}/publish`, { cookie: a.cookie });
  const versions = await call(ctx.app, 'GET', `/api/workflows/${ids.workflow}/versions`, { cookie: a.cookie });
  ids.version = versions.body.versions?.[0]?.id ?? '00000000-0000-4000-8000-000000000000';
  expect(published.status === 200 || published.status === 422).toBe(true);
  const channel = await call(ctx.app, 'POST', '/api/channels', {
    cookie: a.cookie,
    body: { type: 'api', name: 'Alpha API', config: { callbackUrl: 'https://alpha.example/hook' } },
  });
  ids.channel = channel.body.id;
  ids.channelSecret = channel.body.secret;
  const webchat = await createWebchat(ctx, a.workspaceId);
  const inbound = await customerSays(ctx, webchat, 'alpha-visitor', 'hello from alpha');
  ids.conversation = inbound.conversationId!;
  ids.message = inbound.messageId!;
  const contact = await call(ctx.app, 'POST', '/api/contacts', {
    cookie: a.cookie,
    body: { name: 'Alpha Customer', email: 'alpha.customer@example.com' },
  });
  ids.contact = contact.body.id;
  const knowledge = await call(ctx.app, 'POST', '/api/knowledge', {
    cookie: a.cookie,
    body: { question: 'Alpha question?', answer: 'Alpha answer' },
  });
  ids.knowledge = knowledge.body.id;
  const team = await call(ctx.app, 'POST', '/api/teams', { cookie: a.cookie, body: { name: 'Alpha team' } });
  ids.team = team.body.id;
  const key = await call(ctx.app, 'POST', '/api/api-keys', { cookie: a.cookie, body: { name: 'Alpha key' } });
  ids.apiKey = key.body.id;
  aKey = key.body.key;
  const agentKeyRes = await call(ctx.app, 'POST', '/api/api-keys', { cookie: a.cookie, body: { name: 'Alpha agent key', role: 'agent' } });
  agentKey = agentKeyRes.body.key;
  const agentEmail = `agent-${Date.now()}@example.com`;
  const member = await addMember(ctx.app, a, { name: 'Alpha Agent', email: agentEmail, password: PASSWORD });
  ids.user = member.userId;
  agentCookie = member.cookie;
  const runs = await call(ctx.app, 'GET', '/api/runs', { cookie: a.cookie });
  ids.run = runs.body.runs?.[0]?.id ?? '00000000-0000-4000-8000-000000000001';
});
afterAll(() => ctx.close());

type Operation = { method: string; path: string; security?: unknown[] };

async function operations(): Promise<Operation[]> {
  const doc = (await call(ctx.app, 'GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, { security?: unknown[] }>> };
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) ops.push({ method: method.toUpperCase(), path, security: op.security });
  }
  return ops;
}

/** Fills path parameters with workspace A's ids: the resource the path is about. */
function concrete(path: string): string {
  const resource = path.split('/')[2] ?? '';
  const byResource: Record<string, string> = {
    workflows: ids.workflow!,
    channels: ids.channel!,
    conversations: ids.conversation!,
    messages: ids.message!,
    contacts: ids.contact!,
    knowledge: ids.knowledge!,
    teams: ids.team!,
    'api-keys': ids.apiKey!,
    runs: ids.run!,
    members: ids.user!,
  };
  return path
    .replace('{versionId}', ids.version!)
    .replace('{userId}', ids.user!)
    .replace('{slug}', 'welcome-menu')
    .replace('{channelId}', ids.channel!)
    .replace('{token}', 'not-a-real-token')
    .replace(/\{[^}]+\}/g, byResource[resource] ?? '00000000-0000-4000-8000-000000000000');
}

const isPublic = (op: Operation) =>
  !op.security?.length ||
  op.path.startsWith('/webhooks/') ||
  op.path.startsWith('/widget/') ||
  ['/api/auth/signup', '/api/auth/login'].includes(op.path);
const secretValues = () => [PASSWORD, aKey, agentKey, ids.channelSecret!, SECRET_FLOW_HEADER.slice(7)];

describe('every route of the OpenAPI document', () => {
  it('lists a good number of operations', async () => {
    expect((await operations()).length).toBeGreaterThan(40);
  });

  it('answers 401 to a caller with no credentials (or a revoked key) on every non-public route', async () => {
    const failures: string[] = [];
    for (const op of await operations()) {
      if (isPublic(op)) continue;
      const path = concrete(op.path);
      const body = ['POST', 'PUT', 'PATCH'].includes(op.method) ? {} : undefined;
      const anon = await call(ctx.app, op.method, path, { body });
      const forged = await call(ctx.app, op.method, path, { body, token: 'sb_forged_key_that_does_not_exist' });
      if (anon.status !== 401) failures.push(`${op.method} ${op.path}: ${anon.status} without credentials`);
      if (forged.status !== 401) failures.push(`${op.method} ${op.path}: ${forged.status} with a forged key`);
      expect(anon.body).toMatchObject({ error: { code: 'unauthorized' } });
    }
    expect(failures).toEqual([]);
  });

  it("never shows or changes workspace A's data to workspace B", async () => {
    const failures: string[] = [];
    const aMarkers = [
      ids.workflow,
      ids.channel,
      ids.conversation,
      ids.message,
      ids.contact,
      ids.knowledge,
      ids.team,
      ids.apiKey,
      'Alpha flow',
      'Alpha Customer',
      'Alpha question',
      'hello from alpha',
    ];
    for (const op of await operations()) {
      if (isPublic(op) || op.path === '/api/auth/logout') continue;
      const path = concrete(op.path);
      const hasParams = op.path.includes('{');
      const body = ['POST', 'PUT', 'PATCH'].includes(op.method) ? {} : undefined;
      const res = await call(ctx.app, op.method, path, { body, cookie: b.cookie });
      if (res.status >= 500) failures.push(`${op.method} ${op.path}: ${res.status}`);
      if (hasParams && op.path !== '/api/templates/{slug}/import' && ![400, 403, 404, 409, 422].includes(res.status)) {
        failures.push(`${op.method} ${op.path}: ${res.status} for another workspace's id`);
      }
      const text = JSON.stringify(res.body ?? '');
      for (const marker of aMarkers) if (marker && text.includes(marker)) failures.push(`${op.method} ${op.path} leaks ${marker}`);
    }
    expect(failures).toEqual([]);
    // A's things are all still there and unchanged.
    expect((await call(ctx.app, 'GET', `/api/workflows/${ids.workflow}`, { cookie: a.cookie })).body.name).toBe('Alpha flow');
    expect((await call(ctx.app, 'GET', `/api/channels/${ids.channel}`, { cookie: a.cookie })).status).toBe(200);
    expect((await call(ctx.app, 'GET', `/api/contacts/${ids.contact}`, { cookie: a.cookie })).body.name).toBe('Alpha Customer');
    expect((await call(ctx.app, 'GET', `/api/knowledge`, { cookie: a.cookie })).body.entries).toHaveLength(1);
    expect((await call(ctx.app, 'GET', `/api/me`, { token: aKey })).status).toBe(200);
  });
});

describe('roles', () => {
  it('agents (session or agent API key) cannot manage channels, API keys or members', async () => {
    for (const auth of [{ cookie: agentCookie }, { token: agentKey }]) {
      const attempts: [string, string, unknown?][] = [
        ['POST', '/api/channels', { type: 'webchat', name: 'Sneaky', config: {} }],
        ['PATCH', `/api/channels/${ids.channel}`, { name: 'Renamed' }],
        ['DELETE', `/api/channels/${ids.channel}`],
        ['GET', '/api/api-keys'],
        ['POST', '/api/api-keys', { name: 'mine' }],
        ['DELETE', `/api/api-keys/${ids.apiKey}`],
        ['POST', '/api/members/invitations', { email: 'new@example.com', role: 'admin' }],
        ['DELETE', `/api/members/${a.userId}`],
        ['PATCH', `/api/members/${a.userId}`, { role: 'agent' }],
        ['PATCH', '/api/workspace', { name: 'Taken over' }],
        ['GET', '/api/audit-log'],
        ['POST', '/api/workflows', { name: 'x', definition: flow([{ id: 't', type: 'trigger.message_received' }], []) }],
      ];
      for (const [method, path, body] of attempts) {
        const res = await call(ctx.app, method, path, { ...auth, body });
        expect(res.status, `${method} ${path}`).toBe(403);
        expect(res.body.error.code).toBe('forbidden');
      }
      // Reading the inbox is what agents are for.
      expect((await call(ctx.app, 'GET', '/api/conversations', auth)).status).toBe(200);
    }
    expect((await call(ctx.app, 'GET', `/api/channels/${ids.channel}`, { cookie: a.cookie })).body.name).toBe('Alpha API');
  });
});

describe('rate limits (per process)', () => {
  it('login: failures per IP and per email end in 429 with Retry-After; the message never says which emails exist', async () => {
    const app = createApp(ctx.deps);
    const known = await call(app, 'POST', '/api/auth/login', { body: { email: a.email, password: 'wrong password!' } });
    const unknown = await call(app, 'POST', '/api/auth/login', { body: { email: 'nobody-here@example.com', password: 'wrong password!' } });
    expect(known.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(known.body).toEqual(unknown.body);
    let last = unknown;
    for (let i = 0; i < 5 && last.status !== 429; i++)
      last = await call(app, 'POST', '/api/auth/login', { body: { email: a.email, password: `wrong ${i}` } });
    expect(last.status).toBe(429);
    expect(Number(last.res.headers.get('retry-after'))).toBeGreaterThan(0);
    // Per email: a different email from the same place still gets its own attempts, until the IP runs out.
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++)
      statuses.push(
        (await call(app, 'POST', '/api/auth/login', { body: { email: `guess${i}@example.com`, password: 'nope nope' } })).status,
      );
    expect(statuses).toContain(401);
    expect(statuses.at(-1)).toBe(429);
  });

  it('signup, widget sessions, refused webhooks and API keys are limited too', async () => {
    const app = createApp(ctx.deps);
    const first429 = async (n: number, send: (i: number) => Promise<{ status: number; res: Response }>) => {
      for (let i = 0; i < n; i++) {
        const res = await send(i);
        if (res.status === 429) return { at: i, retryAfter: res.res.headers.get('retry-after') };
      }
      return null;
    };
    const signups = await first429(30, (i) =>
      call(app, 'POST', '/api/auth/signup', { body: { email: 'bad', password: 'x', name: `n${i}`, workspaceName: 'w' } }),
    );
    // Sign-up's bucket is shared through Postgres: the two sign-ups of beforeAll (same address) used 2 of its 20.
    expect(signups).toMatchObject({ at: 18, retryAfter: expect.stringMatching(/^\d+$/) });
    const webchat = await createWebchat(ctx, b.workspaceId);
    const sessions = await first429(40, () => call(app, 'POST', `/widget/${webchat.id}/sessions`, { body: {} }));
    expect(sessions).toMatchObject({ at: 30 });
    const webhooks = await first429(80, () =>
      call(app, 'POST', `/webhooks/channels/${ids.channel}`, { body: { id: 'x', from: 'y', text: 'forged' } }),
    );
    expect(webhooks).toMatchObject({ at: 60 });
    // 700 at once from one key: 600 pass (the burst), the rest wait.
    const burst = await Promise.all(Array.from({ length: 700 }, () => call(app, 'GET', '/api/me', { token: aKey })));
    const limited = burst.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(90);
    expect(burst.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(600);
    expect(limited[0]!.res.headers.get('retry-after')).toBe('1');
    // Another key is not affected.
    expect((await call(app, 'GET', '/api/conversations', { token: agentKey })).status).toBe(200);
  });
});

describe('secrets', () => {
  it('never appear in logs, API responses or exports', async () => {
    let logged = '';
    const sink = new Writable({
      write(chunk, _enc, done) {
        logged += String(chunk);
        done();
      },
    });
    const logger = pino({ level: 'trace' }, sink);
    const app = createApp({ ...ctx.deps, logger }, { rateLimit: false });
    const responses: string[] = [];
    const record = (r: { body: unknown; res: Response }) => {
      responses.push(JSON.stringify(r.body), r.res.headers.get('set-cookie') ?? '');
      return r;
    };
    const owner = await signup(app, 'Secretive');
    const twilioToken = 'twilio-auth-token-0123456789abcdef';
    record(
      await call(app, 'POST', '/api/channels', {
        cookie: owner.cookie,
        body: { type: 'twilio', name: 'SMS', config: { accountSid: 'AC0123', authToken: twilioToken, from: '+15550001111' } },
      }),
    );
    record(
      await call(app, 'PATCH', '/api/workspace', {
        cookie: owner.cookie,
        body: { settings: { ai: { apiKey: 'sk-ai-secret-key-987654321' } } },
      }),
    );
    record(await call(app, 'GET', '/api/workspace', { cookie: owner.cookie }));
    record(await call(app, 'GET', '/api/channels', { cookie: owner.cookie }));
    record(await call(app, 'GET', '/api/api-keys', { cookie: a.cookie }));
    record(await call(app, 'GET', `/api/channels/${ids.channel}`, { cookie: a.cookie }));
    record(await call(app, 'GET', '/api/me', { cookie: a.cookie }));
    record(await call(app, 'GET', '/api/members', { cookie: a.cookie }));
    const exported = record(await call(app, 'GET', `/api/workflows/${ids.workflow}/export`, { cookie: a.cookie }));
    expect(exported.res.status).toBe(200);
    // Things that log: a failed login, a forged webhook, a bad request.
    await call(app, 'POST', '/api/auth/login', { body: { email: a.email, password: 'the-wrong-password-xyz' } });
    await call(app, 'POST', `/webhooks/channels/${ids.channel}`, {
      body: { id: 'x', from: 'y', text: 'z' },
      headers: { 'x-switchboard-signature': `sha256=${'0'.repeat(64)}` },
    });
    await call(app, 'GET', '/api/me', { token: aKey, headers: { cookie: a.cookie } });

    const everything = [...secretValues(), twilioToken, 'sk-ai-secret-key-987654321', 'the-wrong-password-xyz', a.cookie.split('=')[1]!];
    for (const secret of everything) {
      expect(logged.includes(secret), `log contains ${secret.slice(0, 6)}…`).toBe(false);
    }
    for (const secret of [...secretValues(), twilioToken, 'sk-ai-secret-key-987654321']) {
      expect(
        responses.some((r) => r.includes(secret)),
        `a response contains ${secret.slice(0, 6)}…`,
      ).toBe(false);
    }
  });
});
