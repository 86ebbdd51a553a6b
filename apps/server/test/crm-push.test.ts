import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmPushes } from '@switchboard/db';
import { runCrmPush } from '../src/jobs/crm-push';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { createWebchat, customerSays, drain, flow, publishFlow } from './flow-helpers';

type Seen = { method: string; url: string; headers: IncomingHttpHeaders; body: string };
type Answer = { status: number; body: unknown; headers?: Record<string, string> };

/** A local server answering with `answer` (which may also queue a forced answer), recording every request. */
async function standIn(answer: (req: Seen) => Answer) {
  const seen: Seen[] = [];
  const forced: Answer[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      seen.push(entry);
      const a = forced.shift() ?? answer(entry);
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
      res.end(JSON.stringify(a.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { seen, forced, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const TOKEN = 'pat-na1-good-token';
const SIGNING = 'whsec-signing-secret-123';

/** HubSpot's CRM v3, as far as pushes use it: contacts keyed by email or found by phone, and notes. */
function hubspot() {
  const contacts: { id: string; email?: string; phone?: string; properties: Record<string, string> }[] = [];
  const notes: { body: string; associations: unknown }[] = [];
  let next = 900;
  const stand = (req: Seen): Answer => {
    if (req.headers.authorization !== `Bearer ${TOKEN}`)
      return {
        status: 401,
        body: { status: 'error', message: 'Authentication credentials not found.', category: 'INVALID_AUTHENTICATION' },
      };
    const body = JSON.parse(req.body || '{}');
    if (req.method === 'POST' && req.url === '/crm/v3/objects/contacts/batch/upsert') {
      const results = body.inputs.map((input: { idProperty: string; id: string; properties: Record<string, string> }) => {
        expect(input.idProperty).toBe('email');
        let c = contacts.find((x) => x.email === input.id);
        if (!c) contacts.push((c = { id: String(next++), email: input.id, properties: {} }));
        Object.assign(c.properties, input.properties);
        return { id: c.id, properties: c.properties };
      });
      return { status: 200, body: { status: 'COMPLETE', results } };
    }
    if (req.method === 'POST' && req.url === '/crm/v3/objects/contacts/search') {
      const value = body.filterGroups[0].filters[0].value;
      const found = contacts.filter((c) => c.phone === value);
      return { status: 200, body: { total: found.length, results: found.map((c) => ({ id: c.id, properties: c.properties })) } };
    }
    if (req.method === 'POST' && req.url === '/crm/v3/objects/contacts') {
      const c = { id: String(next++), phone: body.properties.phone, properties: body.properties };
      contacts.push(c);
      return { status: 201, body: { id: c.id, properties: c.properties } };
    }
    const patch = /^\/crm\/v3\/objects\/contacts\/(\d+)$/.exec(req.url);
    if (req.method === 'PATCH' && patch) {
      const c = contacts.find((x) => x.id === patch[1]);
      if (!c) return { status: 404, body: { message: 'resource not found' } };
      Object.assign(c.properties, body.properties);
      return { status: 200, body: { id: c.id, properties: c.properties } };
    }
    if (req.method === 'POST' && req.url === '/crm/v3/objects/notes/search') {
      const filter = body.filterGroups[0].filters[0];
      expect(filter).toMatchObject({ propertyName: 'hs_note_body', operator: 'CONTAINS_TOKEN' });
      const found = notes.filter((n) => n.body.split(/[^A-Za-z0-9]+/).includes(filter.value));
      return { status: 200, body: { total: found.length, results: found.map((n, i) => ({ id: `n${i}` })) } };
    }
    if (req.method === 'POST' && req.url === '/crm/v3/objects/notes') {
      notes.push({ body: body.properties.hs_note_body, associations: body.associations });
      return { status: 201, body: { id: `n${notes.length}` } };
    }
    return { status: 404, body: { message: `no route ${req.method} ${req.url}` } };
  };
  return { contacts, notes, stand };
}

let ctx: TestContext;
let owner: Session;
let channel: Awaited<ReturnType<typeof createWebchat>>;
const hub = hubspot();
let hubServer: Awaited<ReturnType<typeof standIn>>;
/** The CRM webhook: it checks the signature over the raw body, as a receiver must. */
let hook: Awaited<ReturnType<typeof standIn>>;

const api = (method: string, path: string, body?: unknown) =>
  call(ctx.app, method, path, { cookie: owner.cookie, ...(body !== undefined ? { body } : {}) });

function verified(req: Seen): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', SIGNING).update(req.body).digest('hex')}`);
  const given = Buffer.from(String(req.headers['x-switchboard-signature'] ?? ''));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

beforeAll(async () => {
  hubServer = await standIn(hub.stand);
  hook = await standIn((req) =>
    verified(req)
      ? { status: 200, body: { ok: true } }
      : { status: 401, body: { error: `bad signature (got ${String(req.headers.authorization)})` } },
  );
  ctx = await createTestContext({ hubspotApiUrl: `http://127.0.0.1:${hubServer.port}` }, { jobs: 'by-hand' });
  owner = await signup(ctx.app, 'Crm Owner');
  channel = await createWebchat(ctx, owner.workspaceId);
  // Transcripts here are the customer's and the flows' words only: no reply-time message.
  expect(
    (await api('PATCH', '/api/workspace', { settings: { httpAllowHosts: ['127.0.0.1'], unanswered: { enabled: false } } })).status,
  ).toBe(200);
  expect((await api('POST', '/api/credentials', { name: 'hubspot', value: TOKEN, hosts: ['127.0.0.1'] })).status).toBe(201);
  expect((await api('POST', '/api/credentials', { name: 'crm_webhook_signing', value: SIGNING, hosts: ['127.0.0.1'] })).status).toBe(201);
  expect((await api('POST', '/api/credentials', { name: 'hook', value: 'hook-bearer-1', hosts: ['127.0.0.1'] })).status).toBe(201);
  await publishFlow(
    ctx,
    owner,
    flow(
      [
        { id: 't', type: 'trigger.message_received', config: { keywords: ['hubspot'] } },
        { id: 'push', type: 'action.crm', config: { operation: 'push_hubspot', note: 'Lead from chat' } },
      ],
      [{ source: 't', target: 'push' }],
    ),
    'HubSpot push',
  );
  await publishFlow(
    ctx,
    owner,
    flow(
      [
        { id: 't', type: 'trigger.message_received', config: { keywords: ['keepthis'] } },
        { id: 'log', type: 'action.crm', config: { operation: 'log_transcript', title: 'Chat with {{ contact.name }}' } },
        { id: 'say', type: 'action.send_message', config: { text: 'Saved.' } },
      ],
      [
        { source: 't', target: 'log' },
        { source: 'log', target: 'say' },
      ],
    ),
    'Keep transcript',
  );
  await publishFlow(
    ctx,
    owner,
    flow(
      [
        { id: 't', type: 'trigger.message_received', config: { keywords: ['crmhook'] } },
        {
          id: 'push',
          type: 'action.crm',
          config: {
            operation: 'push_webhook',
            url: `http://127.0.0.1:${hook.port}/in`,
            headers: { Authorization: 'Bearer {{ secrets.hook }}' },
            note: 'Asked: {{ message.text }}',
          },
        },
      ],
      [{ source: 't', target: 'push' }],
    ),
    'Webhook push',
  );
});

afterAll(async () => {
  await hubServer?.close();
  await hook?.close();
  await ctx?.close();
});

/** A customer who said hello, with the verified details an agent saved on the contact. */
async function customer(externalId: string, details: { email?: string; phone?: string }) {
  const first = await customerSays(ctx, channel, externalId, 'hello there');
  const conversation = await api('GET', `/api/conversations/${first.conversationId}`);
  const contactId = (conversation.body.contactId ?? conversation.body.contact?.id) as string;
  expect((await api('PATCH', `/api/contacts/${contactId}`, details)).status).toBe(200);
  return { contactId, conversationId: first.conversationId as string };
}

async function pushEvents(contactId: string) {
  const res = await api('GET', `/api/contacts/${contactId}/events`);
  expect(res.status).toBe(200);
  return (res.body.events as { kind: string; data: Record<string, unknown> }[]).filter((e) => e.kind === 'crm_push').map((e) => e.data);
}

describe('HubSpot pushes', () => {
  it('upserts the contact by verified email and attaches a note with the whole transcript', async () => {
    const { contactId } = await customer('hs-email', { email: 'jo@example.com', name: 'Jo Baker' } as never);
    await customerSays(ctx, channel, 'hs-email', 'please add me to hubspot');
    await drain(ctx);
    const upserts = hubServer.seen.filter((s) => s.url.endsWith('/batch/upsert'));
    expect(upserts).toHaveLength(1);
    expect(JSON.parse(upserts[0]!.body)).toEqual({
      inputs: [{ idProperty: 'email', id: 'jo@example.com', properties: { email: 'jo@example.com', firstname: 'Jo', lastname: 'Baker' } }],
    });
    const saved = hub.contacts.find((c) => c.email === 'jo@example.com')!;
    const note = hub.notes.at(-1)!;
    expect(note.associations).toEqual([
      { to: { id: saved.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 202 }] },
    ]);
    expect(note.body).toContain('Lead from chat');
    expect(note.body).toMatch(/contact: hello there[\s\S]*contact: please add me to hubspot/);
    expect(await pushEvents(contactId)).toEqual([expect.objectContaining({ target: 'hubspot', status: 'done', recordId: saved.id })]);
  });

  it('finds the contact by verified phone, creating it once and updating it after', async () => {
    const { contactId } = await customer('hs-phone', { phone: '+447700900123' });
    await customerSays(ctx, channel, 'hs-phone', 'hubspot me');
    await drain(ctx);
    const created = hub.contacts.find((c) => c.phone === '+447700900123')!;
    expect(created.properties).toMatchObject({ phone: '+447700900123' });
    await customerSays(ctx, channel, 'hs-phone', 'hubspot again');
    await drain(ctx);
    const calls = hubServer.seen
      .filter((s) => s.url.startsWith('/crm/v3/objects/contacts') && !s.url.endsWith('batch/upsert'))
      .map((s) => `${s.method} ${s.url}`);
    expect(calls.slice(-4)).toEqual([
      'POST /crm/v3/objects/contacts/search',
      'POST /crm/v3/objects/contacts',
      'POST /crm/v3/objects/contacts/search',
      `PATCH /crm/v3/objects/contacts/${created.id}`,
    ]);
    expect(hub.contacts.filter((c) => c.phone === '+447700900123')).toHaveLength(1);
    expect((await pushEvents(contactId)).map((e) => [e.status, e.recordId])).toEqual([
      ['done', created.id],
      ['done', created.id],
    ]);
  });

  it('never sends a value the customer typed: only the verified email and phone', async () => {
    const { contactId } = await customer('hs-typed', {});
    await api('PATCH', `/api/contacts/${contactId}`, { attributes: { email: 'typed@evil.example' } });
    const before = hubServer.seen.length;
    await customerSays(ctx, channel, 'hs-typed', 'hubspot typed@evil.example');
    await drain(ctx);
    expect(
      hubServer.seen
        .slice(before)
        .map((s) => s.body)
        .join(''),
    ).not.toContain('"email":"typed@evil.example"');
    expect(hubServer.seen.length).toBe(before);
  });

  it('retries a 429 after its Retry-After, then lands', async () => {
    const { contactId } = await customer('hs-429', { email: 'busy@example.com' });
    hubServer.forced.push({
      status: 429,
      body: { status: 'error', message: 'You have reached your secondly limit.' },
      headers: { 'retry-after': '0' },
    });
    await customerSays(ctx, channel, 'hs-429', 'hubspot please');
    await drain(ctx);
    expect(hubServer.seen.filter((s) => s.url.endsWith('/batch/upsert') && s.body.includes('busy@example.com'))).toHaveLength(2);
    const [event] = await pushEvents(contactId);
    expect(event).toMatchObject({ status: 'done', recordId: hub.contacts.find((c) => c.email === 'busy@example.com')!.id });
    const [row] = await ctx.database.db
      .select()
      .from(crmPushes)
      .where(eq(crmPushes.id, event!.pushId as string));
    expect(row!.attempts).toBe(2);
  });

  it("shows a 401 as failed with HubSpot's message, and a retry after fixing the token lands", async () => {
    const { contactId } = await customer('hs-401', { email: 'denied@example.com' });
    expect((await api('PUT', '/api/credentials/hubspot', { value: 'pat-na1-revoked' })).status).toBe(200);
    await customerSays(ctx, channel, 'hs-401', 'hubspot please');
    await drain(ctx);
    const [failed] = await pushEvents(contactId);
    expect(failed).toMatchObject({ status: 'failed', error: expect.stringContaining('401: Authentication credentials not found.') });
    expect(failed).not.toHaveProperty('recordId');
    expect(JSON.stringify(await pushEvents(contactId))).not.toContain('pat-na1-revoked');

    const agentKey = (await api('POST', '/api/api-keys', { name: 'Agent', role: 'agent' })).body.key as string;
    const byAgent = await call(ctx.app, 'POST', `/api/contacts/${contactId}/crm-pushes/${failed!.pushId}/retry`, { token: agentKey });
    expect(byAgent.status).toBe(403);
    expect((await api('POST', `/api/contacts/${contactId}/crm-pushes/00000000-0000-4000-8000-000000000000/retry`)).status).toBe(404);
    expect((await api('POST', `/api/contacts/${contactId}/crm-pushes/${failed!.pushId}/retry`)).status).toBe(200);
    // A push that is not failed is not sent again.
    expect((await api('POST', `/api/contacts/${contactId}/crm-pushes/${failed!.pushId}/retry`)).status).toBe(409);
    expect((await api('PUT', '/api/credentials/hubspot', { value: TOKEN })).status).toBe(200);
    await drain(ctx);
    const [done] = await pushEvents(contactId);
    expect(done).toMatchObject({ status: 'done', recordId: hub.contacts.find((c) => c.email === 'denied@example.com')!.id });
    expect(done).not.toHaveProperty('error');
  });
});

describe('the CRM webhook', () => {
  it('POSTs contact, transcript and conversation, signed and keyed by the push id', async () => {
    const { contactId, conversationId } = await customer('wh-1', { email: 'hook@example.com' });
    await customerSays(ctx, channel, 'wh-1', 'crmhook now');
    await drain(ctx);
    const [got] = hook.seen;
    expect(got && verified(got)).toBe(true);
    expect(got!.headers.authorization).toBe('Bearer hook-bearer-1');
    const [event] = await pushEvents(contactId);
    expect(event).toMatchObject({ target: 'webhook', status: 'done' });
    expect(got!.headers['idempotency-key']).toBe(event!.pushId);
    const body = JSON.parse(got!.body);
    expect(body.contact).toMatchObject({ id: contactId, email: 'hook@example.com' });
    expect(body.conversation).toMatchObject({ id: conversationId });
    expect(body.transcript.map((l: { text: string }) => l.text)).toEqual(['hello there', 'crmhook now']);
    expect(body.note).toBe('Asked: crmhook now');
    expect(JSON.stringify(await pushEvents(contactId))).not.toContain('hook-bearer-1');
  });

  it('a body the receiver cannot verify is shown as failed, with its answer', async () => {
    const { contactId } = await customer('wh-2', {});
    expect((await api('PUT', '/api/credentials/crm_webhook_signing', { value: 'some-other-secret' })).status).toBe(200);
    await customerSays(ctx, channel, 'wh-2', 'crmhook again');
    await drain(ctx);
    expect(hook.seen.at(-1) && verified(hook.seen.at(-1)!)).toBe(false);
    // The receiver's answer is kept, with the credential it echoed masked.
    expect((await pushEvents(contactId))[0]).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('401: bad signature (got Bearer [secret])'),
    });
    expect(JSON.stringify(await pushEvents(contactId))).not.toContain('hook-bearer-1');
    expect((await api('PUT', '/api/credentials/crm_webhook_signing', { value: SIGNING })).status).toBe(200);
  });
});

describe('transcripts pushed on resolve', () => {
  it('pushes the whole transcript once per resolution, even when the job runs again', async () => {
    expect(
      (
        await api('PATCH', '/api/workspace', {
          settings: { crm: { logTranscriptOnResolve: true, webhookUrl: `http://127.0.0.1:${hook.port}/resolved` } },
        })
      ).status,
    ).toBe(200);
    const { contactId, conversationId } = await customer('rs-1', { email: 'resolved@example.com' });
    await customerSays(ctx, channel, 'rs-1', 'thanks, all sorted');
    const notesBefore = hub.notes.length;
    const hooksBefore = hook.seen.length;
    expect((await api('PATCH', `/api/conversations/${conversationId}`, { status: 'resolved' })).status).toBe(200);
    // Saying "resolved" again is no new resolution.
    expect((await api('PATCH', `/api/conversations/${conversationId}`, { status: 'resolved' })).status).toBe(200);
    await drain(ctx);
    const pushes = await ctx.database.db.select().from(crmPushes).where(eq(crmPushes.conversationId, conversationId));
    expect(pushes.map((p) => [p.target, p.status]).sort()).toEqual([
      ['hubspot', 'done'],
      ['webhook', 'done'],
    ]);
    // The job run again after it completed: nothing is sent.
    for (const p of pushes) expect(await runCrmPush(ctx.deps, p.id)).toEqual({ kind: 'skipped' });
    // A crash after the calls but before the outcome was saved: the job runs again. HubSpot's note
    // is found by its key and not made twice; the webhook sees the same Idempotency-Key.
    await ctx.database.db.update(crmPushes).set({ status: 'queued' }).where(eq(crmPushes.conversationId, conversationId));
    for (const p of pushes) expect(await runCrmPush(ctx.deps, p.id)).toMatchObject({ kind: 'done' });
    await drain(ctx);
    expect(hub.notes.slice(notesBefore)).toHaveLength(1);
    expect(hub.notes.at(-1)!.body).toMatch(/hello there[\s\S]*thanks, all sorted/);
    const resolvedHooks = hook.seen.slice(hooksBefore).filter((s) => s.url === '/resolved');
    expect(resolvedHooks.every(verified)).toBe(true);
    expect(new Set(resolvedHooks.map((h) => h.headers['idempotency-key'])).size).toBe(1);
    expect(resolvedHooks[0]!.headers['idempotency-key']).toBe(pushes.find((p) => p.target === 'webhook')!.id);
    expect((await pushEvents(contactId)).map((e) => e.status)).toEqual(['done', 'done']);
    await api('PATCH', '/api/workspace', { settings: { crm: { logTranscriptOnResolve: false } } });
  });
});

describe('log_transcript', () => {
  it('keeps the conversation under its title, completed with what was said after the step when resolved', async () => {
    const { contactId, conversationId } = await customer('lt-1', {});
    await customerSays(ctx, channel, 'lt-1', 'keepthis please');
    await drain(ctx);
    const read = async () =>
      (
        (await api('GET', `/api/contacts/${contactId}/events`)).body.events as {
          kind: string;
          data: { title: string; messages: { text: string }[] };
        }[]
      ).filter((e) => e.kind === 'transcript');
    const [logged] = await read();
    expect(logged!.data.title).toBe('Chat with Customer lt-1');
    expect(logged!.data.messages.map((m) => m.text)).toEqual(['hello there', 'keepthis please']);
    await customerSays(ctx, channel, 'lt-1', 'one more thing');
    expect((await api('PATCH', `/api/conversations/${conversationId}`, { status: 'resolved' })).status).toBe(200);
    const [completed] = await read();
    expect(completed!.data.messages.map((m) => m.text)).toEqual(['hello there', 'keepthis please', 'Saved.', 'one more thing']);
    expect(completed!.data.title).toBe('Chat with Customer lt-1');
  });
});

describe('erasure', () => {
  it("removes the contact's pushes; a queued one is never sent", async () => {
    const { contactId } = await customer('er-1', { email: 'forget-me@example.com' });
    // HubSpot is down for an hour: the push waits, queued.
    hubServer.forced.push({ status: 503, body: { message: 'down for maintenance' }, headers: { 'retry-after': '3600' } });
    await customerSays(ctx, channel, 'er-1', 'hubspot please');
    await drain(ctx);
    const [queued] = await ctx.database.db.select().from(crmPushes).where(eq(crmPushes.contactId, contactId));
    expect(queued!.status).toBe('queued');
    const erased = await api('POST', `/api/contacts/${contactId}/erase`, { confirm: contactId });
    expect(erased.status).toBe(200);
    expect(await ctx.database.db.select().from(crmPushes).where(eq(crmPushes.contactId, contactId))).toEqual([]);
    const before = hubServer.seen.length;
    expect(await runCrmPush(ctx.deps, queued!.id)).toEqual({ kind: 'skipped' });
    await drain(ctx);
    expect(
      hubServer.seen
        .slice(before)
        .map((s) => s.body)
        .join(''),
    ).not.toContain('forget-me@example.com');
  });
});
