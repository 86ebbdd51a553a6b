import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { createWebchat, customerSays, flow } from './flow-helpers';
import { agentSession, apiKey } from './trust-fixtures';

/**
 * Who may call what, for every operation of /api/openapi.json, generated from the document and
 * checked against this explicit table. A new route fails the first test until it is given a rule.
 *
 * - public: anyone (sign-up, login, health, webhooks, widget sessions, invitation links)
 * - visitor: a widget visitor token
 * - member: any member of the workspace, agents included (the inbox)
 * - admin: admins and owners; agents get 403 with a session or an agent API key
 * - session: the caller's own session (logout), only checked anonymously
 */
type Rule = 'public' | 'visitor' | 'member' | 'admin' | 'session';
const RULES: Record<string, Rule> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'POST /api/auth/signup': 'public',
  'GET /api/auth/signup-status': 'public',
  'POST /api/auth/reset': 'public',
  'POST /api/auth/login': 'public',
  'POST /api/auth/logout': 'session',
  'GET /api/invitations/{token}': 'public',
  'POST /api/invitations/{token}/accept': 'public',
  'GET /api/me': 'member',
  'GET /api/workspace': 'member',
  'PATCH /api/workspace': 'admin',
  'POST /api/workspace/ai/test': 'admin',
  'POST /api/api-keys': 'admin',
  'GET /api/api-keys': 'admin',
  'DELETE /api/api-keys/{id}': 'admin',
  'GET /api/credentials': 'admin',
  'POST /api/credentials': 'admin',
  'PUT /api/credentials/{name}': 'admin',
  'PATCH /api/credentials/{name}': 'admin',
  'DELETE /api/credentials/{name}': 'admin',
  'GET /api/audit-log': 'admin',
  'POST /api/workflows/{id}/test-runs': 'admin',
  'GET /api/workflows/{id}/stats': 'member',
  'GET /api/workflows/{id}/export': 'admin',
  'POST /api/workflows/import': 'admin',
  'POST /api/workflows/files': 'admin',
  'GET /api/workflows': 'member',
  'PUT /api/workflows/order': 'admin',
  'POST /api/workflows': 'admin',
  'GET /api/workflows/{id}': 'member',
  'PUT /api/workflows/{id}': 'admin',
  'DELETE /api/workflows/{id}': 'admin',
  'POST /api/workflows/{id}/publish': 'admin',
  'POST /api/workflows/{id}/pause': 'admin',
  'GET /api/workflows/{id}/versions': 'member',
  'GET /api/workflows/{id}/versions/{versionId}': 'member',
  'GET /api/runs': 'member',
  'GET /api/runs/{id}': 'member',
  'GET /api/knowledge': 'member',
  'POST /api/knowledge': 'admin',
  'PATCH /api/knowledge/{id}': 'admin',
  'DELETE /api/knowledge/{id}': 'admin',
  'GET /api/templates': 'member',
  'POST /api/templates/{slug}/import': 'admin',
  'POST /webhooks/flows/{token}': 'public',
  'GET /api/channels': 'member',
  'POST /api/channels': 'admin',
  'GET /api/channels/{id}': 'member',
  'PATCH /api/channels/{id}': 'admin',
  'DELETE /api/channels/{id}': 'admin',
  'POST /api/channels/{id}/identity-secret': 'admin',
  'GET /api/conversations': 'member',
  'GET /api/inbox/waiting': 'member',
  'GET /api/conversations/{id}': 'member',
  'PATCH /api/conversations/{id}': 'member',
  'GET /api/conversations/{id}/messages': 'member',
  'POST /api/conversations/{id}/messages': 'member',
  'POST /api/conversations/{id}/attachments': 'member',
  'POST /api/messages/{id}/retry': 'member',
  'GET /api/contacts': 'member',
  'POST /api/contacts': 'member',
  'GET /api/contacts/{id}': 'member',
  'PATCH /api/contacts/{id}': 'member',
  'DELETE /api/contacts/{id}': 'member',
  'GET /api/contacts/{id}/events': 'member',
  'POST /api/contacts/{id}/notes': 'member',
  'GET /api/contacts/{id}/export': 'admin',
  'POST /api/contacts/{id}/erase': 'admin',
  'POST /api/contacts/{id}/crm-pushes/{pushId}/retry': 'admin',
  'GET /api/broadcasts': 'member',
  'POST /api/broadcasts': 'admin',
  'GET /api/broadcasts/{id}': 'member',
  'GET /api/broadcasts/{id}/recipients': 'member',
  'POST /api/broadcasts/{id}/cancel': 'admin',
  'GET /api/channels/{id}/templates': 'member',
  'POST /api/channels/{id}/templates/sync': 'admin',
  'GET /api/conversations/{id}/templates': 'member',
  'POST /api/conversations/{id}/template-messages': 'member',
  'POST /api/conversations/{id}/read': 'member',
  'POST /api/conversations/{id}/typing': 'member',
  'GET /api/members/invitations': 'admin',
  'POST /api/members/invitations': 'admin',
  'DELETE /api/members/invitations/{id}': 'admin',
  'GET /api/members': 'member',
  'POST /api/members': 'admin',
  'POST /api/members/{userId}/reset-link': 'admin',
  // Agents may change only their own availability: another member's is refused (403).
  'PATCH /api/members/{userId}': 'admin',
  'DELETE /api/members/{userId}': 'admin',
  'GET /api/teams': 'member',
  'POST /api/teams': 'admin',
  'PATCH /api/teams/{id}': 'admin',
  'DELETE /api/teams/{id}': 'admin',
  'GET /api/tags': 'member',
  'GET /webhooks/channels/{channelId}': 'public',
  'POST /webhooks/channels/{channelId}': 'public',
  'POST /widget/{channelId}/sessions': 'public',
  'GET /widget/{channelId}/config': 'public',
  'GET /widget/{channelId}/messages': 'visitor',
  'POST /widget/{channelId}/messages': 'visitor',
  'POST /widget/{channelId}/attachments': 'visitor',
  'POST /widget/{channelId}/typing': 'visitor',
  // Answers only a link the server signed, until it expires (media-store.test.ts).
  'GET /media/{id}/{name}': 'public',
};

/** Mounted routes outside the OpenAPI document, each with its own test. */
const NOT_IN_OPENAPI: Record<string, string> = {
  'GET /api/openapi.json': 'the document itself',
  'GET /api/docs': 'the API reference page (csp-docs.test.ts)',
  'GET /api/docs/scalar.js': "Scalar's script, served from our own copy (csp-docs.test.ts)",
  'GET /metrics': 'Prometheus, behind METRICS_TOKEN (metrics-token.test.ts)',
  'GET /api/stream': 'the inbox event stream (below, and stream tests)',
  'GET /widget/{channelId}/stream': "a visitor's event stream (below, and widget tests)",
  'GET /preview/{channelId}': 'the hosted preview page, HTML (widget-settings.test.ts)',
};

let ctx: TestContext;
let app: ReturnType<typeof createApp>;
let owner: Session;
let other: Session;
let agent: Session;
let agentKey: string;
let adminKey: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  ctx = await createTestContext();
  // Limits have their own tests; here they would only turn answers into 429s.
  app = createApp(ctx.deps, { rateLimit: false });
  owner = await signup(app, 'Matrix');
  other = await signup(app, 'Intruder');
  agent = await agentSession(ctx, app, owner.workspaceId);
  agentKey = (await apiKey(app, owner, 'agent')).key;
  const admin = await apiKey(app, owner, 'admin');
  adminKey = admin.key;
  ids.apiKey = (await apiKey(app, owner, 'admin', 'to revoke')).id;
  const wf = await call(app, 'POST', '/api/workflows', {
    cookie: owner.cookie,
    body: { name: 'Matrix flow', definition: flow([{ id: 't', type: 'trigger.message_received', config: { keywords: ['matrix'] } }], []) },
  });
  ids.workflow = wf.body.id;
  expect((await call(app, 'POST', `/api/workflows/${ids.workflow}/publish`, { cookie: owner.cookie })).status).toBe(200);
  ids.version = (await call(app, 'GET', `/api/workflows/${ids.workflow}/versions`, { cookie: owner.cookie })).body.versions[0].id;
  ids.channel = (
    await call(app, 'POST', '/api/channels', {
      cookie: owner.cookie,
      body: { type: 'api', name: 'Matrix API', config: { callbackUrl: 'https://matrix.example/hook' } },
    })
  ).body.id;
  const webchat = await createWebchat(ctx, owner.workspaceId);
  ids.webchat = webchat.id;
  const inbound = await customerSays(ctx, webchat, 'matrix-visitor', 'hello matrix');
  ids.conversation = inbound.conversationId!;
  ids.message = inbound.messageId!;
  ids.contact = (await call(app, 'POST', '/api/contacts', { cookie: owner.cookie, body: { name: 'Matrix Customer' } })).body.id;
  ids.knowledge = (
    await call(app, 'POST', '/api/knowledge', { cookie: owner.cookie, body: { question: 'Matrix?', answer: 'Yes' } })
  ).body.id;
  ids.team = (await call(app, 'POST', '/api/teams', { cookie: owner.cookie, body: { name: 'Matrix team' } })).body.id;
  const { rows } = await ctx.database.pool.query('select id from workflow_runs where workspace_id = $1 limit 1', [owner.workspaceId]);
  ids.run = rows[0]?.id ?? '00000000-0000-4000-8000-000000000001';
  for (const [name, id] of Object.entries(ids)) expect(id, name).toMatch(/^[0-9a-f-]{36}$/);
});
afterAll(() => ctx.close());

type Operation = { key: string; method: string; path: string };

async function operations(): Promise<Operation[]> {
  const doc = (await call(app, 'GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((m) => ({ key: `${m.toUpperCase()} ${path}`, method: m.toUpperCase(), path })),
  );
}

/**
 * Path parameters filled with workspace A's ids: the resource the path names. `{userId}` is
 * the owner unless said otherwise (an agent may change only themselves; an admin key may not
 * make an owner's reset link).
 */
function concrete(path: string, userId = owner.userId): string {
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
  };
  return path
    .replace('{versionId}', ids.version!)
    .replace('{userId}', userId)
    .replace('{slug}', 'welcome-menu')
    .replace('{token}', 'not-a-real-token-0123456789')
    .replace('{name}', 'shop')
    .replace('{channelId}', path.startsWith('/widget/') ? ids.webchat! : ids.channel!)
    .replace('/api/members/invitations/{id}', '/api/members/invitations/00000000-0000-4000-8000-000000000002')
    .replace(/\{[^}]+\}/g, byResource[path.split('/')[2] ?? ''] ?? '00000000-0000-4000-8000-000000000000');
}

const bodyFor = (method: string) => (['POST', 'PUT', 'PATCH'].includes(method) ? {} : undefined);
/** Paths whose parameter is one of workspace A's things (not a template slug, a token or a public channel). */
const namesAResource = (op: Operation) =>
  /\{(id|userId|versionId|name)\}/.test(op.path) && !op.path.startsWith('/api/members/invitations/');

describe('the access matrix, from /api/openapi.json', () => {
  it('covers every mounted route: each is in the OpenAPI document with a rule, or in the short list outside it', async () => {
    const ops = await operations();
    const documented = new Set(ops.map((o) => o.key));
    const mounted = new Set(
      ctx.app.routes
        // Middleware (`use`, and role rules mounted with `on(method, '*')`) is not a route.
        .filter((r) => r.method !== 'ALL' && !r.path.includes('*'))
        .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`),
    );
    expect(
      [...mounted].filter((k) => !documented.has(k) && !(k in NOT_IN_OPENAPI)),
      'mounted but neither documented nor listed',
    ).toEqual([]);
    expect(
      [...documented].filter((k) => !(k in RULES)),
      'documented but without a rule in RULES',
    ).toEqual([]);
    expect(
      Object.keys(RULES).filter((k) => !documented.has(k)),
      'rules for operations that no longer exist',
    ).toEqual([]);
    expect(ops.length).toBeGreaterThan(60);
  });

  it('anonymous visitor: 401 on every operation that needs a member, a session or a visitor token; public ones never 5xx', async () => {
    const failures: string[] = [];
    for (const op of await operations()) {
      const rule = RULES[op.key];
      // A well-formed message, so that the missing visitor token is what is refused.
      const body = rule === 'visitor' && op.method === 'POST' ? { text: 'hello', clientId: 'c1' } : bodyFor(op.method);
      const res = await call(app, op.method, concrete(op.path), { body });
      // A public route may still refuse (a webhook's bad signature is a 401); it must not fail.
      if (rule === 'public' ? res.status >= 500 : res.status !== 401) failures.push(`${op.key} (${rule}): ${res.status}`);
    }
    for (const path of ['/api/stream', `/widget/${ids.channel}/stream`]) {
      const res = await call(app, 'GET', path);
      if (res.status !== 401 && res.status !== 404) failures.push(`GET ${path}: ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('agent (session and agent API key): 403 on every admin operation, let through on member ones', async () => {
    const failures: string[] = [];
    for (const op of await operations()) {
      const rule = RULES[op.key];
      if (rule !== 'admin' && rule !== 'member') continue;
      for (const [who, auth] of [
        ['session', { cookie: agent.cookie }],
        ['agent key', { token: agentKey }],
      ] as const) {
        const res = await call(app, op.method, concrete(op.path), { ...auth, body: bodyFor(op.method) });
        const refused = res.status === 403 && res.body?.error?.code === 'forbidden';
        if (rule === 'admin' && !refused) failures.push(`${op.key} as agent ${who}: ${res.status}, expected 403`);
        if (rule === 'member' && (res.status === 401 || res.status === 403 || res.status >= 500))
          failures.push(`${op.key} as agent ${who}: ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("another workspace's owner: never a 2xx on an operation naming workspace A's things", async () => {
    const failures: string[] = [];
    for (const op of (await operations()).filter(namesAResource)) {
      if (RULES[op.key] === 'public' || RULES[op.key] === 'session') continue;
      const res = await call(app, op.method, concrete(op.path), { cookie: other.cookie, body: bodyFor(op.method) });
      if (![400, 403, 404, 409, 422].includes(res.status)) failures.push(`${op.key}: ${res.status}`);
      if (JSON.stringify(res.body).includes('Matrix')) failures.push(`${op.key} leaks workspace A's data`);
    }
    expect(failures).toEqual([]);
    expect((await call(app, 'GET', `/api/workflows/${ids.workflow}`, { cookie: owner.cookie })).body.name).toBe('Matrix flow');
  });

  it('admins (admin API key) pass every admin rule', async () => {
    const failures: string[] = [];
    for (const op of await operations()) {
      // Deleting and revoking would take away what later rows use; their rule is proven above.
      if (RULES[op.key] !== 'admin' || op.method === 'DELETE') continue;
      const res = await call(app, op.method, concrete(op.path, agent.userId), { token: adminKey, body: bodyFor(op.method) });
      if (res.status === 401 || res.status === 403 || res.status >= 500)
        failures.push(`${op.key}: ${res.status} ${JSON.stringify(res.body).slice(0, 120)}`);
    }
    expect(failures).toEqual([]);
  });

  it('an agent cannot start a test run of a draft (real HTTP calls and the AI key) but an admin can', async () => {
    const body = { messages: ['matrix'] };
    for (const auth of [{ cookie: agent.cookie }, { token: agentKey }]) {
      const res = await call(app, 'POST', `/api/workflows/${ids.workflow}/test-runs`, { ...auth, body });
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(/admin/);
    }
    expect((await call(app, 'POST', `/api/workflows/${ids.workflow}/test-runs`, { cookie: owner.cookie, body })).status).toBe(200);
  });
});
