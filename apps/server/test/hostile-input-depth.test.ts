import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { hostileTargets } from './hostile-text-fixtures';

/**
 * JSON nested 10,000 deep once reached validators, recursive code and Postgres (500s). The JSON
 * guard counts brackets before anything parses the body and refuses past 32 levels with 400
 * `invalid_json`, on every route: signed in, anonymous, the widget and flow webhooks.
 */
let ctx: TestContext;
let app: ReturnType<typeof createApp>;
let owner: Session;
let t: Awaited<ReturnType<typeof hostileTargets>>;

beforeAll(async () => {
  ctx = await createTestContext();
  app = createApp(ctx.deps, { rateLimit: false });
  owner = await signup(app, 'Deep');
  t = await hostileTargets(ctx, app, owner);
});
afterAll(() => ctx.close());

const arrays = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
const objects = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
const DEEP = [
  ['10,000 arrays', arrays(10_000)],
  ['10,000 objects', objects(10_000)],
  ['10,000 inside a field', `{"name":"x","definition":${arrays(10_000)}}`],
  ['unclosed', '['.repeat(10_000)],
] as const;

const refused = (res: { status: number; body: any }) =>
  res.status === 400 && res.body?.error?.code === 'invalid_json' && res.body.error.details?.[0]?.field === 'body';

describe('deeply nested JSON', () => {
  it('every OpenAPI operation that takes a body refuses 10,000-deep JSON with 400 invalid_json', async () => {
    const doc = (await call(app, 'GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const failures: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const method of Object.keys(methods).map((m) => m.toUpperCase())) {
        if (!['POST', 'PUT', 'PATCH'].includes(method)) continue;
        const concrete = path.replace(
          /\{[^}]+\}/g,
          path.startsWith('/widget') || path.startsWith('/webhooks/channels') ? t.webchat : t.contact,
        );
        for (const [name, body] of DEEP) {
          const res = await call(app, method, concrete, { cookie: owner.cookie, body });
          if (!refused(res)) failures.push(`${method} ${path} ${name}: ${res.status} ${JSON.stringify(res.body).slice(0, 100)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('anonymous: sign-up, login, a widget session and a flow webhook refuse it the same way', async () => {
    for (const path of ['/api/auth/signup', '/api/auth/login', `/widget/${t.webchat}/sessions`, t.webhookPath]) {
      for (const [name, body] of DEEP) {
        const res = await call(app, 'POST', path, { body });
        expect(refused(res), `${path} ${name}: ${res.status}`).toBe(true);
      }
    }
    const { rows } = await ctx.database.pool.query('select count(*)::int as n from workflow_runs');
    expect(rows[0].n).toBe(0);
  });

  it('32 levels pass, 33 do not; brackets inside strings do not count', async () => {
    // The body object is level 1, attributes 2, so 30 more arrays make 32.
    const at32 = await call(app, 'POST', '/api/contacts', {
      cookie: owner.cookie,
      body: `{"name":"Deep 32","attributes":{"x":${arrays(30)}}}`,
    });
    expect(at32.status, JSON.stringify(at32.body)).toBe(201);
    const at33 = await call(app, 'POST', '/api/contacts', {
      cookie: owner.cookie,
      body: `{"name":"Deep 33","attributes":{"x":${arrays(31)}}}`,
    });
    expect(refused(at33)).toBe(true);
    const brackets = await call(app, 'POST', '/api/contacts', {
      cookie: owner.cookie,
      body: JSON.stringify({ name: `${'['.repeat(150)}"\\`, attributes: { note: '{'.repeat(500) } }),
    });
    expect(brackets.status).toBe(201);
  });
});
