import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Header } from '../../../packages/channels/src/signatures';
import { createApp } from '../src/app';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { createWebchat, customerSays } from './flow-helpers';
import { createChannel } from './inbox-fixtures';

/**
 * Values a client controls that once reached Postgres as they were: forged pagination cursors,
 * out-of-range numbers and timestamps (Postgres class 22), drafts with odd node shapes. Each is a
 * 4xx naming what is wrong, or handled; never a 5xx.
 */
let ctx: TestContext;
let app: ReturnType<typeof createApp>;
let owner: Session;

beforeAll(async () => {
  ctx = await createTestContext();
  app = createApp(ctx.deps, { rateLimit: false });
  owner = await signup(app, 'Values');
  for (const name of ['One', 'Two', 'Three']) await call(app, 'POST', '/api/contacts', { cookie: owner.cookie, body: { name } });
  const webchat = await createWebchat(ctx, owner.workspaceId);
  for (const who of ['a', 'b', 'c']) await customerSays(ctx, webchat, who, `hello from ${who}`);
});
afterAll(() => ctx.close());

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const UUID = '11111111-2222-4333-8444-555555555555';

describe('forged pagination cursors', () => {
  const forged: [string, string][] = [
    ['not base64 at all', '!!!***'],
    ['base64 of garbage', b64('garbage')],
    ['a date that does not exist', b64(['2026-02-31 00:00:00+00', UUID])],
    ['a year Postgres cannot read', b64(['99999-01-01T00:00:00Z', UUID])],
    ['a year before 1970', b64(['0000-01-01T00:00:00Z', UUID])],
    ['hour 25', b64(['2026-01-01T25:00:00Z', UUID])],
    ['dashes instead of a uuid', b64(['2026-01-01 00:00:00+00', '-'.repeat(36)])],
    ['not hex uuid', b64(['2026-01-01 00:00:00+00', 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz'])],
    ['numbers', b64([1, 2])],
    ['NUL in the timestamp', b64(['2026-01-01\u0000', UUID])],
    ['SQL', b64(["2026-01-01'); drop table contacts; --", UUID])],
    ['three parts', b64(['2026-01-01T00:00:00Z', UUID, 'x'])],
    ['huge', b64(['2026-01-01T00:00:00Z'.repeat(5_000), UUID])],
  ];

  it.each(['/api/contacts', '/api/conversations'])('%s: every forged cursor is a 400, a real one pages on', async (path) => {
    const failures: string[] = [];
    for (const [name, cursor] of forged) {
      const res = await call(app, 'GET', `${path}?cursor=${encodeURIComponent(cursor)}`, { cookie: owner.cookie });
      if (res.status !== 400 || !/cursor/i.test(res.body?.error?.message ?? ''))
        failures.push(`${name}: ${res.status} ${JSON.stringify(res.body).slice(0, 120)}`);
    }
    expect(failures).toEqual([]);
    const first = await call(app, 'GET', `${path}?limit=2`, { cookie: owner.cookie });
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const next = await call(app, 'GET', `${path}?limit=2&cursor=${first.body.nextCursor}`, { cookie: owner.cookie });
    expect(next.status).toBe(200);
    const key = path === '/api/contacts' ? 'contacts' : 'conversations';
    expect(next.body[key].length).toBeGreaterThan(0);
  });
});

describe('out-of-range numbers and timestamps (Postgres class 22)', () => {
  it('answers 400 for huge limits and timestamps Postgres cannot hold', async () => {
    const paths = [
      '/api/contacts?limit=99999999999999999999',
      '/api/conversations?limit=1e400',
      '/api/runs?limit=-1',
      '/api/audit-log?limit=99999999999999999999',
      '/api/audit-log?before=0000-01-01T00:00:00Z',
      '/api/audit-log?before=9999-12-31T23:59:59-23:59',
      `/api/conversations/${UUID}/messages?limit=99999999999999999999`,
    ];
    for (const path of paths) {
      const res = await call(app, 'GET', path, { cookie: owner.cookie });
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
    }
  });

  it('a value only Postgres refuses (class 22) is a 400 through the error handler, logged at warn without the query', async () => {
    let logged = '';
    const sink = new Writable({
      write(chunk, _enc, done) {
        logged += String(chunk);
        done();
      },
    });
    const watched = createApp({ ...ctx.deps, logger: pino({ level: 'warn' }, sink) }, { rateLimit: false });
    // Year 0 is a valid ISO date to the validator; Postgres has no year 0 (22008).
    const res = await call(watched, 'GET', '/api/audit-log?before=0000-01-01T00:00:00Z', { cookie: owner.cookie });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'bad_request', message: 'A value in the request is out of range or malformed' } });
    const line = JSON.parse(logged.trim().split('\n').at(-1)!);
    expect(line).toMatchObject({
      level: 40,
      msg: 'database refused a value: answered 4xx',
      error: { code: '22008', message: 'Failed query' },
    });
    expect(logged).not.toContain('select');
  });

  it('a provider message dated in year 0 or far in the future is stored (dated now), not answered 5xx', async () => {
    const channel = await createChannel({ ...ctx, app }, owner, 'api', { callbackUrl: 'https://values.example/hook' });
    for (const [id, timestamp] of [
      ['y0', '0000-01-01T00:00:00Z'],
      ['y9999', '9999-12-31T23:59:59Z'],
      ['bc', '-000001-01-01T00:00:00Z'],
    ]) {
      const raw = JSON.stringify({ id, from: 'clock', text: `dated ${timestamp}`, timestamp });
      const res = await app.request(`/webhooks/channels/${channel.id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-switchboard-signature': sha256Header(channel.secret!, raw) },
        body: raw,
      });
      expect(res.status, `${timestamp}: ${await res.clone().text()}`).toBeLessThan(500);
    }
  });

  it('contact attributes with numbers JSON cannot keep (1e400) and 32-deep nesting are stored as JSON can', async () => {
    const created = await call(app, 'POST', '/api/contacts', {
      cookie: owner.cookie,
      body: `{"name":"Big","attributes":{"n":1e400,"deep":${'['.repeat(29)}1${']'.repeat(29)}}}`,
    });
    expect(created.status, JSON.stringify(created.body)).toBeLessThan(500);
  });
});

describe('drafts whose nodes lack a config', () => {
  it('export answers 200 with an empty config for each such node, whatever the shape', async () => {
    const drafts: unknown[] = [
      { schemaVersion: 1, nodes: [{ id: 't', type: 'trigger.message_received', position: { x: 0, y: 0 } }], edges: [] },
      { schemaVersion: 1, nodes: [{ id: 't', type: 'trigger.message_received', position: { x: 0, y: 0 }, config: null }], edges: [] },
      {
        schemaVersion: 1,
        nodes: [{ id: 't', type: 'action.http_request', position: { x: 0, y: 0 }, config: 'text' }, null, 7],
        edges: 'none',
      },
      { schemaVersion: 1, nodes: 'not a list' },
    ];
    for (const definition of drafts) {
      const created = await call(app, 'POST', '/api/workflows', { cookie: owner.cookie, body: { name: 'Odd draft', definition } });
      if (created.status !== 201) {
        // Refused at save: nothing odd can be exported, which is as good.
        expect(created.status, JSON.stringify(created.body)).toBeLessThan(500);
        continue;
      }
      const exported = await call(app, 'GET', `/api/workflows/${created.body.id}/export`, { cookie: owner.cookie });
      expect(exported.status, JSON.stringify(exported.body)).toBe(200);
      for (const node of exported.body.nodes) expect(node.config).toEqual(expect.any(Object));
    }
  });
});
