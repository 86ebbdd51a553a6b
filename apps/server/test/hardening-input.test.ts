import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Header } from '../../../packages/channels/src/signatures';
import { createApp } from '../src/app';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { botReplies, createWebchat, drain, flow, publishFlow } from './flow-helpers';

let ctx: TestContext;
let app: ReturnType<typeof createApp>;
let owner: Session;
const channels: { id: string; type: string; secret?: string }[] = [];
const own: Record<string, string> = {};
type Operation = { method: string; path: string };
let ops: Operation[] = [];

// Property runs are bounded in count and time so `npm test` stays fast.
const budget = (numRuns: number, ms = 12_000) => ({ numRuns, interruptAfterTimeLimit: ms, markInterruptAsFailure: false });

beforeAll(async () => {
  ctx = await createTestContext();
  // Rate limits have their own test; here they would only hide the routes behind 429s.
  app = createApp(ctx.deps, { rateLimit: false });
  owner = await signup(app, 'Fuzz');
  const configs: [string, Record<string, unknown>][] = [
    ['webchat', {}],
    ['api', { callbackUrl: 'http://127.0.0.1:9/hook' }],
    ['twilio', { accountSid: 'AC0123', authToken: 'twilio-token-0123', from: '+15550001111' }],
    ['whatsapp', { phoneNumberId: '1234', accessToken: 'wa-token', appSecret: 'wa-app-secret', verifyToken: 'wa-verify' }],
    ['messenger', { pageId: '1', pageAccessToken: 'page-token', appSecret: 'fb-app-secret', verifyToken: 'fb-verify' }],
    ['instagram', { pageId: '2', pageAccessToken: 'page-token', appSecret: 'ig-app-secret', verifyToken: 'ig-verify' }],
    ['telegram', { botToken: '123456:ABC-def', secretToken: 'tg_secret', baseUrl: 'http://127.0.0.1:9' }],
    [
      'email',
      { provider: 'mailgun', domain: 'mg.example.com', apiKey: 'mg-key', signingKey: 'mg-signing', fromAddress: 'shop@example.com' },
    ],
    ['email', { provider: 'sendgrid', apiKey: 'sg-key', fromAddress: 'shop@example.com' }],
  ];
  for (const [type, config] of configs) {
    const res = await call(app, 'POST', '/api/channels', { cookie: owner.cookie, body: { type, name: type, config } });
    if (res.status === 201) channels.push({ id: res.body.id, type, secret: res.body.secret });
  }
  // Every webhook type must be under test: a config that stopped validating would silently shrink it.
  expect(new Set(channels.map((c) => c.type))).toEqual(
    new Set(['webchat', 'api', 'twilio', 'whatsapp', 'messenger', 'instagram', 'telegram', 'email']),
  );
  expect(channels).toHaveLength(configs.length);
  const wf = await call(app, 'POST', '/api/workflows', {
    cookie: owner.cookie,
    body: { name: 'Fuzz flow', definition: flow([{ id: 't', type: 'trigger.message_received' }], []) },
  });
  own.workflow = wf.body.id;
  const contact = await call(app, 'POST', '/api/contacts', { cookie: owner.cookie, body: { name: 'Fuzz contact' } });
  own.contact = contact.body.id;
  const doc = (await call(app, 'GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
  ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => ({ method: m.toUpperCase(), path })));
});
afterAll(() => ctx.close());

const nasty = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.constantFrom(
    '\u0000',
    '\uFEFF',
    '\uD800',
    '\u202E',
    'é'.normalize('NFD'),
    '🧁'.repeat(50),
    '\r\n\r\n',
    '%00',
    '../../etc/passwd',
    "' or 1=1 --",
    '<script>alert(1)</script>',
    '{{7*7}}',
    '{% raw %}',
  ),
);
const pollution = fc.constantFrom(
  { __proto__: { polluted: true } },
  JSON.parse('{"__proto__": {"polluted": true}}'),
  JSON.parse('{"constructor": {"prototype": {"polluted": true}}}'),
  JSON.parse('{"attributes": {"__proto__": {"polluted": true}}, "settings": {"constructor": {"prototype": {"polluted": 1}}}}'),
);
const jsonish = fc.oneof(fc.jsonValue(), fc.anything(), pollution, fc.dictionary(nasty, fc.jsonValue()));
const rawBody = fc.oneof(
  jsonish.map((v) => {
    try {
      return JSON.stringify(v) ?? 'null';
    } catch {
      return '{}';
    }
  }),
  nasty,
  fc.constantFrom(
    '{',
    '[1,',
    '{"a":}',
    'null',
    '',
    '\u0000\u0001',
    `${'['.repeat(5_000)}${']'.repeat(5_000)}`,
    `${'{"a":'.repeat(3_000)}1${'}'.repeat(3_000)}`,
  ),
);
const contentType = fc.constantFrom(
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  '',
  'application/xml',
  '*/*',
);
const pathParam = fc.oneof(fc.constant('__own__'), fc.uuid(), nasty.map(uri), fc.constant('00000000-0000-0000-0000-000000000000'));

/** Header values and URLs must be well-formed; a lone surrogate would fail in the client, not the server. */
function uri(value: string): string {
  return encodeURIComponent(value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'));
}

function fill(path: string, param: string): string {
  const resource = path.split('/')[2] ?? '';
  const ownId =
    resource === 'workflows'
      ? own.workflow!
      : resource === 'contacts'
        ? own.contact!
        : resource === 'channels' || path.startsWith('/widget')
          ? channels[0]!.id
          : 'x';
  return path.replace(/\{[^}]+\}/g, () => (param === '__own__' ? ownId : param));
}

async function garbageCounts() {
  const { rows } = await ctx.database.pool.query(`
    select (select count(*) from messages)::int as messages, (select count(*) from contacts)::int as contacts,
           (select count(*) from contact_identities)::int as identities, (select count(*) from conversations)::int as conversations`);
  return rows[0] as Record<string, number>;
}

describe('hostile input', () => {
  it('never answers 5xx on any OpenAPI route, whatever the body, content type, params or headers', async () => {
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    const skip = new Set(['/api/stream', '/api/auth/logout']);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ops.filter((o) => !skip.has(o.path) && !o.path.includes('/stream'))),
        rawBody,
        contentType,
        pathParam,
        fc.option(fc.string({ minLength: 4_000, maxLength: 8_000 }), { nil: undefined }),
        async (op, body, type, param, hugeHeader) => {
          const headers: Record<string, string> = { cookie: owner.cookie, 'sec-fetch-site': 'same-origin' };
          if (type) headers['content-type'] = type;
          if (hugeHeader) headers['x-filler'] = uri(hugeHeader).slice(0, 8_000);
          const res = await app.request(fill(op.path, param), {
            method: op.method,
            headers,
            body: ['GET', 'HEAD'].includes(op.method) ? undefined : body,
          });
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status >= 500)
            failures.push(`${op.method} ${op.path} [${type}] ${body.slice(0, 80)}: ${res.status} ${(await res.text()).slice(0, 200)}`);
          else await res.arrayBuffer();
        },
      ),
      budget(250, 20_000),
    );
    expect(failures).toEqual([]);
    // The fuzz reaches the handlers, not only the validators.
    const ok = [...statuses].filter(([s]) => s < 300).reduce((n, [, c]) => n + c, 0);
    console.log(`[fuzz] statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`);
    expect(ok).toBeGreaterThan(10);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }, 60_000);

  it('never answers 5xx on any channel webhook and stores nothing unverified', async () => {
    const before = await garbageCounts();
    const failures: string[] = [];
    const accepted: string[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...channels),
        rawBody,
        contentType,
        fc.constantFrom('POST', 'GET', 'PUT'),
        fc.dictionary(
          fc.constantFrom(
            'x-twilio-signature',
            'x-hub-signature-256',
            'x-telegram-bot-api-secret-token',
            'x-switchboard-signature',
            'x-forwarded-proto',
            'x-filler',
          ),
          nasty,
        ),
        fc.constantFrom('', '?hub.mode=subscribe&hub.verify_token=x&hub.challenge=1', '?secret=%00', '?secret=' + 'a'.repeat(5000)),
        async (channel, body, type, method, extra, query) => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(extra)) headers[k] = uri(v).slice(0, 8_000);
          if (type) headers['content-type'] = type;
          const res = await app.request(`/webhooks/channels/${channel.id}${query}`, {
            method,
            headers,
            body: method === 'GET' ? undefined : body,
          });
          if (res.status >= 500) failures.push(`${channel.type} ${method} [${type}] ${body.slice(0, 80)}: ${res.status}`);
          if (res.status < 300 && method === 'POST') accepted.push(`${channel.type}: ${body.slice(0, 80)}`);
          await res.arrayBuffer();
        },
      ),
      budget(250, 15_000),
    );
    expect(failures).toEqual([]);
    expect(accepted).toEqual([]);
    expect(await garbageCounts()).toEqual(before);
  }, 60_000);

  it('handles signed-but-hostile bodies on the API channel: 4xx or stored as plain text, never 5xx', async () => {
    const api = channels.find((c) => c.type === 'api')!;
    const failures: string[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          rawBody,
          fc
            .record({ id: nasty, from: fc.oneof(nasty, fc.integer()), text: nasty, name: fc.option(nasty, { nil: undefined }) })
            .map((v) => JSON.stringify(v)),
          pollution.map((p) => JSON.stringify({ id: 'p1', from: 'p', text: 'x', ...p })),
        ),
        async (raw) => {
          const res = await app.request(`/webhooks/channels/${api.id}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-switchboard-signature': sha256Header(api.secret!, raw) },
            body: raw,
          });
          if (res.status >= 500) failures.push(`${raw.slice(0, 100)}: ${res.status}`);
          await res.arrayBuffer();
        },
      ),
      budget(150),
    );
    expect(failures).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }, 60_000);

  // Postgres refuses text with a NUL byte (22021); ingest drops the byte so the message is stored
  // instead of being refused on every redelivery.
  it('stores a signed message whose text holds a NUL byte, without the byte', async () => {
    const api = channels.find((c) => c.type === 'api')!;
    const raw = JSON.stringify({ id: 'nul-1', from: 'nul', text: 'a\u0000b' });
    const res = await app.request(`/webhooks/channels/${api.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-switchboard-signature': sha256Header(api.secret!, raw) },
      body: raw,
    });
    expect(res.status).toBeLessThan(500);
  });

  it('keeps prototype-pollution keys as plain data in every JSON input', async () => {
    // The fuzz above may have deleted the shared ones.
    own.contact = (await call(app, 'POST', '/api/contacts', { cookie: owner.cookie, body: { name: 'Proto target' } })).body.id;
    own.workflow = (
      await call(app, 'POST', '/api/workflows', {
        cookie: owner.cookie,
        body: { name: 'Proto flow', definition: flow([{ id: 't', type: 'trigger.message_received' }], []) },
      })
    ).body.id;
    const evil = JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}, "ok": 1}');
    const inputs: [string, string, unknown][] = [
      ['POST', '/api/contacts', { name: 'Proto', attributes: evil }],
      ['PATCH', `/api/contacts/${own.contact}`, { attributes: evil }],
      ['PATCH', '/api/workspace', { settings: evil }],
      [
        'PUT',
        `/api/workflows/${own.workflow}`,
        { definition: { ...flow([{ id: 't', type: 'trigger.message_received', config: evil }], []), ...evil } },
      ],
      ['POST', `/api/workflows/${own.workflow}/test-runs`, { messages: ['hi'], contact: { attributes: evil }, trigger: evil }],
      ['POST', '/api/workflows/import', { document: { ...evil, name: 'x', schemaVersion: 1, nodes: [], edges: [] } }],
      ['POST', '/api/knowledge', { question: 'q?', answer: 'a', ...evil }],
      ['POST', '/api/teams', { name: 'T', ...evil }],
      ['PATCH', `/api/members/${owner.userId}`, evil],
      ['POST', '/api/auth/login', { email: 'a@b.co', password: 'x', ...evil }],
    ];
    for (const [method, path, body] of inputs) {
      const res = await call(app, method, path, { cookie: owner.cookie, body });
      expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(500);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    const contact = await call(app, 'GET', `/api/contacts/${own.contact}`, { cookie: owner.cookie });
    expect(Object.getPrototypeOf(contact.body.attributes)).toBe(Object.prototype);
    expect(contact.body.attributes.polluted).toBeUndefined();
    // The flow still runs after all that.
    expect((await call(app, 'GET', `/api/workflows/${own.workflow}`, { cookie: owner.cookie })).status).toBe(200);
  });
});

const INJECTIONS = [
  '{{ constructor }}',
  '{{ contact.constructor.name }}',
  '{{ contact.__proto__ }}',
  '{{ contact["constructor"]["constructor"]("return process")() }}',
  '{{ "x" | append: contact.constructor }}',
  '{% assign f = contact.constructor.constructor %}{{ f }}',
  '{{ process.env.APP_SECRET }}{{ global }}{{ this }}',
  "{% include '/etc/passwd' %}",
  "{% render '../../package.json' %}",
  '{% layout "x" %}',
  '{% for i in (1..100000000) %}x{% endfor %}',
  '{{ "a" | split: "" | join: "" | size }}',
  '{{ 7 | times: 7 }}',
];

describe('template injection renders inert', () => {
  const forbidden = /function|native code|\[object|root:x|process|APP_SECRET|\/bin\/|"name":\s*"switchboard"|xxxxxxxxxxxxxxxxxxxx/;

  it('in flow texts and contact names, in the simulator', async () => {
    const name = '{{ contact.constructor }}{% include "/etc/passwd" %}';
    const wf = await call(app, 'POST', '/api/workflows', {
      cookie: owner.cookie,
      body: { name: 'Injection', definition: flow([{ id: 't', type: 'trigger.message_received' }], []) },
    });
    expect(wf.status).toBe(201);
    const outcomes: string[] = [];
    for (const [i, injection] of INJECTIONS.entries()) {
      const definition = flow(
        [
          { id: 't', type: 'trigger.message_received' },
          { id: 's', type: 'action.send_message', config: { text: `[${i}] ${injection} / {{ contact.name }}` } },
        ],
        [{ source: 't', target: 's' }],
      );
      expect((await call(app, 'PUT', `/api/workflows/${wf.body.id}`, { cookie: owner.cookie, body: { definition } })).status).toBeLessThan(
        500,
      );
      const res = await call(app, 'POST', `/api/workflows/${wf.body.id}/test-runs`, {
        cookie: owner.cookie,
        body: { messages: ['{{ 7*7 }}'], contact: { name, attributes: { x: '{{ 1 | plus: 1 }}' } } },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const text: string | undefined = res.body.replies?.[0]?.text;
      if (text === undefined) {
        // Refused as a broken placeholder: a clear message on the node, nothing rendered.
        expect(res.body.path.find((p: { nodeId: string }) => p.nodeId === 's')).toMatchObject({ status: 'error', log: expect.any(String) });
        outcomes.push(`[${i}] refused`);
        continue;
      }
      expect(text).not.toMatch(forbidden);
      expect(text.length).toBeLessThan(2_000);
      // Values are data, never templates: the name comes out exactly as typed.
      expect(text.split(' / ').at(-1)).toBe(name);
      outcomes.push(text);
    }
    expect(outcomes.find((t) => t.startsWith('[12]'))).toBe(`[12] 49 / ${name}`);
    expect(outcomes.find((t) => t.startsWith('[0]'))).toBe(`[0]  / ${name}`);
  });

  it('in a real run, with a hostile contact name from a channel', async () => {
    const webchat = await createWebchat(ctx, owner.workspaceId);
    await publishFlow(
      ctx,
      owner,
      flow(
        [
          { id: 't', type: 'trigger.message_received', config: { keywords: ['inject'] } },
          {
            id: 'a',
            type: 'action.send_message',
            config: { text: 'Hi {{ contact.name }} {{ contact.constructor }}{{ message.text | upcase }}' },
          },
          { id: 'b', type: 'action.send_message', config: { text: [0, 1, 2, 4, 5, 6].map((i) => INJECTIONS[i]).join(' | ') } },
        ],
        [
          { source: 't', target: 'a' },
          { source: 'a', target: 'b' },
        ],
      ),
      'Injection live',
    );
    const { randomUUID } = await import('node:crypto');
    const { storeInbound } = await import('../src/pipeline/store');
    const inbound = await storeInbound(ctx.deps, webchat, {
      kind: 'message',
      providerMessageId: randomUUID(),
      externalId: 'hostile',
      name: '{{ constructor.constructor("return process")() }}',
      text: 'inject {{ 7*7 }}',
      attachments: [],
      timestamp: new Date(),
    });
    await drain(ctx);
    const replies = await botReplies(ctx, inbound.conversationId!);
    expect(replies).toHaveLength(2);
    expect(replies[0]).toBe('Hi {{ constructor.constructor("return process")() }} INJECT {{ 7*7 }}');
    expect(replies[1]).not.toMatch(forbidden);
    expect(replies[1]!.length).toBeLessThan(500);
  });
});
