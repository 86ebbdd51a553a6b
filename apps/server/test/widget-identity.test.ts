import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverMessage } from '../src/pipeline/deliver';
import { sha256 } from '../src/services/crypto';
import { botReplies, drain, flow, publishFlow } from './flow-helpers';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { createChannel } from './inbox-fixtures';

let ctx: TestContext;
let owner: Session;
let channelId: string;
let identitySecret: string;
let webhookPath: string;
/** Every JSON or SSE text the widget routes answered, to look for leaked ids. */
const answered: string[] = [];

const hashOf = (userId: string, secret = identitySecret) => createHmac('sha256', secret).update(userId).digest('hex');
const widget = async (method: string, path: string, token?: string, body?: unknown) => {
  const res = await call(ctx.app, method, `/widget/${channelId}${path}`, {
    ...(token && { token }),
    ...(body !== undefined && { body }),
    headers: { origin: 'https://shop.example' },
  });
  answered.push(JSON.stringify(res.body));
  return res;
};
const session = (body: Record<string, unknown>) => widget('POST', '/sessions', undefined, body);
const contactOfToken = async (token: string) =>
  (
    await ctx.database.pool.query('select contact_id from contact_identities where channel_id = $1 and external_id = $2', [
      channelId,
      sha256(token),
    ])
  ).rows[0]?.contact_id as string | undefined;
const contactRow = async (id: string) => (await ctx.database.pool.query('select * from contacts where id = $1', [id])).rows[0];
const conversationOfMessage = async (messageId: string) =>
  (
    await ctx.database.pool.query(
      'select m.conversation_id, c.contact_id from messages m join conversations c on c.id = m.conversation_id where m.id = $1',
      [messageId],
    )
  ).rows[0] as { conversation_id: string; contact_id: string };

/** Reads a widget stream until `needle` shows up or `ms` pass; the text read so far. */
async function openStream(token: string) {
  const res = await ctx.app.request(`/widget/${channelId}/stream?token=${token}`);
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const readFor = async (ms: number, needle?: string) => {
    const deadline = Date.now() + ms;
    while (!(needle && text.includes(needle)) && Date.now() < deadline) {
      const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), 100))]);
      if (chunk && !chunk.done) text += decoder.decode(chunk.value);
    }
    answered.push(text);
    return text;
  };
  await readFor(3_000, ': connected');
  return { readFor, close: () => reader.cancel() };
}

let victim: { token: string; contactId: string; conversationId: string };

beforeAll(async () => {
  ctx = await createTestContext({}, { jobs: 'by-hand' });
  owner = await signup(ctx.app, 'Shop');
  const created = await createChannel(ctx, owner, 'webchat', {});
  channelId = created.id;
  identitySecret = (created as { identitySecret?: string }).identitySecret!;
  expect(identitySecret).toMatch(/^[\w-]{40,}$/);
  const workflowId = await publishFlow(
    ctx,
    owner,
    flow(
      [
        { id: 't', type: 'trigger.webhook' },
        { id: 'say', type: 'action.send_message', config: { text: 'Order {{ trigger.body.ref }} shipped, {{ contact.name }}.' } },
      ],
      [{ source: 't', target: 'say' }],
    ),
    'Shipping',
  );
  webhookPath = new URL((await call(ctx.app, 'GET', `/api/workflows/${workflowId}`, { cookie: owner.cookie })).body.webhookUrl).pathname;

  // The victim: a logged-in customer of the shop, whose email an agent recorded.
  const started = await session({ userId: 'cust-1001', userHash: hashOf('cust-1001'), name: 'Vera' });
  expect(started.body.verified).toBe(true);
  const said = await widget('POST', '/messages', started.body.visitorToken, { text: 'My address is 1 Secret Lane', clientId: 'v-1' });
  const { conversation_id, contact_id } = await conversationOfMessage(said.body.message.id);
  expect(
    (await call(ctx.app, 'PATCH', `/api/contacts/${contact_id}`, { cookie: owner.cookie, body: { email: 'Vera@Example.com' } })).body.email,
  ).toBe('vera@example.com');
  victim = { token: started.body.visitorToken, contactId: contact_id, conversationId: conversation_id };
});
afterAll(() => ctx.close());

describe('a visitor who types a customer’s email', () => {
  it('cannot read their thread, does not get their replies, posts as a new contact, and leaves their record alone', async () => {
    const attacker = await session({ name: 'Mallory', email: 'vera@example.com', phone: '+44 20 7946 0958' });
    expect(attacker.status).toBe(200);
    expect(attacker.body).toEqual({ visitorToken: expect.any(String), verified: false });
    const token = attacker.body.visitorToken as string;
    expect((await widget('GET', '/messages', token)).body.messages).toEqual([]);

    const theirs = await openStream(token);
    const victims = await openStream(victim.token);
    const reply = await call(ctx.app, 'POST', `/api/conversations/${victim.conversationId}/messages`, {
      cookie: owner.cookie,
      body: { text: 'Your parcel code is 7731' },
    });
    expect(await deliverMessage(ctx.deps, reply.body.id)).toMatchObject({ kind: 'sent', status: 'delivered' });
    expect(await victims.readFor(5_000, 'parcel code')).toContain('Your parcel code is 7731');
    expect(await theirs.readFor(500)).not.toContain('parcel code');
    await Promise.all([theirs.close(), victims.close()]);

    const posted = await widget('POST', '/messages', token, { text: 'Change my delivery address', clientId: 'm-1' });
    expect(posted.status).toBe(201);
    const landed = await conversationOfMessage(posted.body.message.id);
    expect(landed.contact_id).not.toBe(victim.contactId);
    expect(await contactRow(landed.contact_id)).toMatchObject({
      email: null,
      phone: null,
      attributes: { typed_email: 'vera@example.com', typed_phone: '+44 20 7946 0958' },
    });
    expect(await contactRow(victim.contactId)).toMatchObject({ name: 'Vera', email: 'vera@example.com' });
    expect((await widget('GET', '/messages', victim.token)).body.messages.map((m: { text: string }) => m.text)).not.toContain(
      'Change my delivery address',
    );
  });

  it('does not divert a flow webhook sent to the customer’s email, nor make it ambiguous', async () => {
    await session({ email: 'VERA@example.com' });
    const fired = await call(ctx.app, 'POST', webhookPath, { body: { ref: 'A-17', contact: { email: 'Vera@EXAMPLE.com' } } });
    expect(fired.status).toBe(202);
    await drain(ctx);
    expect(await botReplies(ctx, victim.conversationId)).toEqual(['Order A-17 shipped, Vera.']);
  });

  it('cannot speak as a visitor through the channel webhook', async () => {
    const forged = await call(ctx.app, 'POST', `/webhooks/channels/${channelId}`, {
      body: { id: 'x-1', from: 'user:cust-1001', text: 'I am Vera', email: 'vera@example.com' },
    });
    expect(forged.status).toBe(403);
    expect((await ctx.database.pool.query("select count(*)::int as n from messages where text = 'I am Vera'")).rows[0].n).toBe(0);
  });
});

describe('identity verification', () => {
  it('refuses a forged or missing userHash', async () => {
    const forged = await session({ userId: 'cust-1001', userHash: hashOf('cust-1001', 'a-guessed-secret-that-is-not-the-real-one') });
    expect(forged.status).toBe(401);
    expect(forged.body.error.message).toMatch(/userHash does not match userId.*HMAC-SHA256/);
    expect((await session({ userId: 'cust-1001', userHash: hashOf('cust-2002') })).status).toBe(401);
    const missing = await session({ userId: 'cust-1001' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details[0].field).toBe('userHash');
  });

  it('a valid userHash joins the same contact on every device, and the typed email stays unverified', async () => {
    const phone = await session({ userId: 'cust-1001', userHash: hashOf('cust-1001'), email: 'someone.else@example.com' });
    expect(phone.body.verified).toBe(true);
    expect(phone.body.visitorToken).not.toBe(victim.token);
    expect(await contactOfToken(phone.body.visitorToken)).toBe(victim.contactId);
    const thread = (await widget('GET', '/messages', phone.body.visitorToken)).body.messages.map((m: { text: string }) => m.text);
    expect(thread).toEqual(expect.arrayContaining(['My address is 1 Secret Lane', 'Your parcel code is 7731']));
    expect(await contactRow(victim.contactId)).toMatchObject({
      email: 'vera@example.com',
      attributes: { typed_email: 'someone.else@example.com' },
    });
  });

  it('an anonymous visitor who logs in brings their token to the verified contact, never the reverse', async () => {
    const anon = await session({ name: 'Guest' });
    const anonContact = await contactOfToken(anon.body.visitorToken);
    const login = await session({ visitorToken: anon.body.visitorToken, userId: 'cust-3003', userHash: hashOf('cust-3003') });
    expect(login.body).toEqual({ visitorToken: anon.body.visitorToken, verified: true });
    const verified = await contactOfToken(anon.body.visitorToken);
    expect(verified).not.toBe(anonContact);
    // The same browser, another user logs in: a new token; the first user's token stays theirs.
    const other = await session({ visitorToken: anon.body.visitorToken, userId: 'cust-4004', userHash: hashOf('cust-4004') });
    expect(other.body.visitorToken).not.toBe(anon.body.visitorToken);
    expect(await contactOfToken(anon.body.visitorToken)).toBe(verified);
    expect(await contactOfToken(other.body.visitorToken)).not.toBe(verified);
    // Without a hash, a token only resumes its own contact.
    expect((await session({ visitorToken: other.body.visitorToken, userId: 'cust-3003' })).status).toBe(400);
  });

  it('widget answers carry no contact, conversation, channel or workspace id', async () => {
    const messageIds = new Set((await ctx.database.pool.query('select id from messages')).rows.map((r) => r.id as string));
    const uuids = answered.join('\n').match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi) ?? [];
    expect(uuids.length).toBeGreaterThan(0);
    expect(uuids.filter((id) => !messageIds.has(id.toLowerCase()))).toEqual([]);
    expect(answered.join('\n')).not.toContain(victim.contactId);
    expect(answered.join('\n')).not.toContain(owner.workspaceId);
  });
});
