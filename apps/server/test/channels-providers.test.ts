import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Header } from '../../../packages/channels/src/signatures';
import { startGraphStandIn } from '../../../packages/channels/src/testing/graph-stand-in';
import { formBody } from '../../../packages/channels/src/testing/inbound';
import { startStandIn, type StandIn } from '../../../packages/channels/src/testing/stand-in';
import { addMember, call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { drain } from './flow-helpers';
import { count, createChannel, inboundByProviderId, messageRow, postWebhook } from './inbox-fixtures';

let ctx: TestContext;
let owner: Session;
const standIns: StandIn[] = [];

beforeAll(async () => {
  ctx = await createTestContext();
  owner = await signup(ctx.app, 'Providers');
});
afterAll(async () => {
  await Promise.all(standIns.map((s) => s.close()));
  await ctx.close();
});

/**
 * Replies as an agent through the API and lets the job runner deliver it, as in production.
 * Returns the stored message and the requests the provider stand-in received for it.
 */
async function replyAndDrain(stand: StandIn, conversationId: string, text: string) {
  const before = stand.requests.length;
  const posted = await call(ctx.app, 'POST', `/api/conversations/${conversationId}/messages`, { cookie: owner.cookie, body: { text } });
  expect(posted.status, JSON.stringify(posted.body)).toBe(201);
  await drain(ctx);
  return { id: posted.body.id as string, row: await messageRow(ctx, posted.body.id), received: stand.requests.slice(before) };
}

describe('Twilio SMS', () => {
  const sid = 'AC0123456789abcdef0123456789abcdef';
  const authToken = 'twilio-auth-token-123';
  let stand: StandIn;
  let channelId: string;
  const sign = (url: string, params: Record<string, string>) => twilio.getExpectedTwilioSignature(authToken, url, params);

  beforeAll(async () => {
    stand = await startStandIn((req) => {
      if (req.headers.authorization !== `Basic ${Buffer.from(`${sid}:${authToken}`).toString('base64')}`)
        return { status: 401, json: { code: 20003, message: 'Authenticate' } };
      return { status: 201, json: { sid: 'SMout1', status: 'queued' } };
    });
    standIns.push(stand);
    channelId = (await createChannel(ctx, owner, 'twilio', { accountSid: sid, authToken, from: '+15550001111', baseUrl: stand.baseUrl }))
      .id;
  });

  it('accepts a message signed exactly as the twilio SDK signs it, and answers empty TwiML', async () => {
    const params = { MessageSid: 'SM1', AccountSid: sid, From: '+15557654321', To: '+15550001111', Body: 'Hello bakery', NumMedia: '0' };
    const url = `http://switchboard.test/webhooks/channels/${channelId}`;
    const res = await postWebhook(ctx, channelId, formBody(params), {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': sign(url, params),
    });
    expect(res.status).toBe(200);
    expect(res.text).toContain('<Response>');
    const [message] = await inboundByProviderId(ctx, channelId, 'SM1');
    expect(message.text).toBe('Hello bakery');
    const { rows } = await ctx.database.pool.query(
      'select phone from contacts c join conversations v on v.contact_id = c.id where v.id = $1',
      [message.conversation_id],
    );
    expect(rows[0].phone).toBe('+15557654321');
    // Redelivery: nothing new.
    await postWebhook(ctx, channelId, formBody(params), {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': sign(url, params),
    });
    expect(await count(ctx, 'select 1 from messages where channel_id = $1', [channelId])).toBe(1);
  });

  it('refuses a signature for another URL and stores nothing', async () => {
    const params = { MessageSid: 'SM-forged', AccountSid: sid, From: '+15550000000', To: '+15550001111', Body: 'x' };
    const res = await postWebhook(ctx, channelId, formBody(params), {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': sign('http://elsewhere.test/hook', params),
    });
    expect(res.status).toBe(403);
    expect(await inboundByProviderId(ctx, channelId, 'SM-forged')).toHaveLength(0);
  });

  it('sends a reply with Basic auth and Twilio form fields, then applies its status callback', async () => {
    const [inbound] = await inboundByProviderId(ctx, channelId, 'SM1');
    const { id, row, received } = await replyAndDrain(stand, inbound.conversation_id, 'Hi! We open at 9.');
    expect(row).toMatchObject({ status: 'sent', provider_message_id: 'SMout1', error: null });
    expect(received).toHaveLength(1);
    const req = received[0]!;
    expect(req.path).toBe(`/2010-04-01/Accounts/${sid}/Messages.json`);
    const form = req.form();
    expect(Object.fromEntries(form)).toMatchObject({
      To: '+15557654321',
      From: '+15550001111',
      Body: 'Hi! We open at 9.',
      StatusCallback: `http://switchboard.test/webhooks/channels/${channelId}`,
    });

    const status = { MessageSid: 'SMout1', MessageStatus: 'delivered', AccountSid: sid };
    const url = `http://switchboard.test/webhooks/channels/${channelId}`;
    expect(
      (
        await postWebhook(ctx, channelId, formBody(status), {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': sign(url, status),
        })
      ).status,
    ).toBe(200);
    expect((await messageRow(ctx, id)).status).toBe('delivered');
  });
});

function metaSuite(type: 'messenger' | 'instagram') {
  describe(`${type} (Meta)`, () => {
    const appSecret = `${type}-app-secret`;
    const token = `${type}-page-token`;
    let stand: StandIn;
    let channelId: string;
    const headers = (raw: string, secret = appSecret) => ({
      'content-type': 'application/json',
      'x-hub-signature-256': sha256Header(secret, raw),
    });
    const inbound = (mid: string, text: string) =>
      JSON.stringify({
        object: type === 'messenger' ? 'page' : 'instagram',
        entry: [
          {
            id: 'PAGE1',
            time: Date.now(),
            messaging: [{ sender: { id: 'PSID77' }, recipient: { id: 'PAGE1' }, timestamp: Date.now(), message: { mid, text } }],
          },
        ],
      });

    beforeAll(async () => {
      stand = await startGraphStandIn({ token, instagram: type === 'instagram' });
      standIns.push(stand);
      channelId = (
        await createChannel(ctx, owner, type, {
          pageId: 'PAGE1',
          pageAccessToken: token,
          appSecret,
          verifyToken: 'verify-me',
          baseUrl: stand.baseUrl,
        })
      ).id;
    });

    it('answers the verification handshake only with the right token', async () => {
      const ok = await ctx.app.request(`/webhooks/channels/${channelId}?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=12345`);
      expect(ok.status).toBe(200);
      expect(await ok.text()).toBe('12345');
      const bad = await ctx.app.request(`/webhooks/channels/${channelId}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=12345`);
      expect(bad.status).toBe(403);
    });

    it('stores a signed message once, refuses a forged one', async () => {
      const raw = inbound('mid.1', 'Prices?');
      expect((await postWebhook(ctx, channelId, raw, headers(raw))).status).toBe(200);
      expect((await postWebhook(ctx, channelId, raw, headers(raw))).status).toBe(200);
      expect(await inboundByProviderId(ctx, channelId, 'mid.1')).toHaveLength(1);
      const forged = inbound('mid.forged', 'x');
      expect((await postWebhook(ctx, channelId, forged, headers(forged, 'not-the-secret'))).status).toBe(403);
      expect(await inboundByProviderId(ctx, channelId, 'mid.forged')).toHaveLength(0);
    });

    it('replies through the Graph Send API with the page token, and takes delivery watermarks', async () => {
      const [message] = await inboundByProviderId(ctx, channelId, 'mid.1');
      const { id, row, received } = await replyAndDrain(stand, message.conversation_id, 'Cakes from $20');
      expect(row).toMatchObject({ status: 'sent', provider_message_id: expect.stringMatching(/^m_\d+$/), error: null });
      expect(received).toHaveLength(1);
      const req = received[0]!;
      expect(req.path).toBe('/v21.0/me/messages');
      expect(req.headers.authorization).toBe(`Bearer ${token}`);
      expect(req.json()).toMatchObject({ recipient: { id: 'PSID77' }, message: { text: 'Cakes from $20' } });
      const receipt = JSON.stringify({
        object: type === 'messenger' ? 'page' : 'instagram',
        entry: [
          {
            id: 'PAGE1',
            time: Date.now(),
            messaging: [
              {
                sender: { id: 'PSID77' },
                recipient: { id: 'PAGE1' },
                timestamp: Date.now() + 1000,
                read: { watermark: Date.now() + 1000 },
              },
            ],
          },
        ],
      });
      expect((await postWebhook(ctx, channelId, receipt, headers(receipt))).status).toBe(200);
      expect((await messageRow(ctx, id)).status).toBe('read');
    });
  });
}
metaSuite('messenger');
metaSuite('instagram');

describe('WhatsApp Cloud API', () => {
  const appSecret = 'wa-app-secret';
  const token = 'wa-access-token';
  let stand: StandIn;
  let channelId: string;
  const headers = (raw: string, secret = appSecret) => ({
    'content-type': 'application/json',
    'x-hub-signature-256': sha256Header(secret, raw),
  });
  const envelope = (value: object) =>
    JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: 'WABA',
          changes: [
            {
              field: 'messages',
              value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550009999', phone_number_id: 'PN1' }, ...value },
            },
          ],
        },
      ],
    });

  beforeAll(async () => {
    stand = await startGraphStandIn({ token, phoneNumberId: 'PN1' });
    standIns.push(stand);
    channelId = (
      await createChannel(ctx, owner, 'whatsapp', {
        phoneNumberId: 'PN1',
        accessToken: token,
        appSecret,
        verifyToken: 'wa-verify',
        baseUrl: stand.baseUrl,
      })
    ).id;
  });

  it('stores every message of a batch, once, and refuses a forged batch', async () => {
    const raw = envelope({
      contacts: [{ profile: { name: 'Bo' }, wa_id: '15551234567' }],
      messages: [
        {
          from: '15551234567',
          id: 'wamid.A',
          timestamp: String(Math.floor(Date.now() / 1000)),
          type: 'text',
          text: { body: 'Do you deliver?' },
        },
        { from: '15551234567', id: 'wamid.B', timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: 'To Elm St' } },
      ],
    });
    expect((await postWebhook(ctx, channelId, raw, headers(raw))).status).toBe(200);
    expect((await postWebhook(ctx, channelId, raw, headers(raw))).status).toBe(200);
    expect(await count(ctx, 'select 1 from messages where channel_id = $1', [channelId])).toBe(2);
    const [a] = await inboundByProviderId(ctx, channelId, 'wamid.A');
    const [b] = await inboundByProviderId(ctx, channelId, 'wamid.B');
    expect(a.conversation_id).toBe(b.conversation_id);
    expect((await postWebhook(ctx, channelId, raw, headers(raw, 'forged'))).status).toBe(403);
  });

  it('replies inside the window with a text message and records statuses', async () => {
    const [a] = await inboundByProviderId(ctx, channelId, 'wamid.A');
    const { id, row, received } = await replyAndDrain(stand, a.conversation_id, 'Yes, free over $30');
    expect(row).toMatchObject({ status: 'sent', provider_message_id: expect.stringMatching(/^wamid\.\d+$/), error: null });
    expect(received).toHaveLength(1);
    const req = received[0]!;
    expect(req.path).toBe('/v21.0/PN1/messages');
    expect(req.headers.authorization).toBe(`Bearer ${token}`);
    expect(req.json()).toMatchObject({
      messaging_product: 'whatsapp',
      to: '15551234567',
      type: 'text',
      text: { body: 'Yes, free over $30' },
    });
    const wamid = row.provider_message_id;
    const status = envelope({
      statuses: [{ id: wamid, status: 'delivered', timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: '15551234567' }],
    });
    expect((await postWebhook(ctx, channelId, status, headers(status))).status).toBe(200);
    expect((await messageRow(ctx, id)).status).toBe('delivered');
  });

  it('fails a free-form reply once the 24-hour window has closed (a template is needed)', async () => {
    const [a] = await inboundByProviderId(ctx, channelId, 'wamid.A');
    await ctx.database.pool.query(`update conversations set last_inbound_at = now() - interval '25 hours' where id = $1`, [
      a.conversation_id,
    ]);
    const { row, received } = await replyAndDrain(stand, a.conversation_id, 'Late reply');
    expect(row.status).toBe('failed');
    expect(row.error).toMatch(/template/);
    // Refused before any call: WhatsApp would reject a free-form message outside the window.
    expect(received).toHaveLength(0);
  });
});

describe('channel settings', () => {
  it('seals secrets in the database and never returns them', async () => {
    const { id } = await createChannel(ctx, owner, 'twilio', { accountSid: 'AC1', authToken: 'super-secret-token', from: '+15550002222' });
    const { rows } = await ctx.database.pool.query('select config, secrets from channels where id = $1', [id]);
    expect(rows[0].config).toEqual({ accountSid: 'AC1', from: '+15550002222' });
    expect(rows[0].secrets).toMatch(/^v1\./);
    expect(rows[0].secrets).not.toContain('super-secret-token');
    const got = await call(ctx.app, 'GET', `/api/channels/${id}`, { cookie: owner.cookie });
    expect(got.body.secretsSet).toEqual(['authToken']);
    expect(JSON.stringify(got.body)).not.toContain('super-secret-token');
    const patched = await call(ctx.app, 'PATCH', `/api/channels/${id}`, {
      cookie: owner.cookie,
      body: { name: 'SMS', config: { from: '+15550003333' } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'SMS', config: { from: '+15550003333' }, secretsSet: ['authToken'] });
  });

  it('validates config per type and keeps agents out', async () => {
    const bad = await call(ctx.app, 'POST', '/api/channels', {
      cookie: owner.cookie,
      body: { type: 'whatsapp', name: 'WA', config: { phoneNumberId: 'x' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field)).toContain('config.accessToken');
    const { cookie } = await addMember(ctx.app, owner, { name: 'Agent', email: 'agent-ch@example.com', password: 'agent-password' });
    expect((await call(ctx.app, 'POST', '/api/channels', { cookie, body: { type: 'webchat', name: 'Chat', config: {} } })).status).toBe(
      403,
    );
    expect((await call(ctx.app, 'GET', '/api/channels', { cookie })).status).toBe(200);
  });

  it('soft-deletes: the webhook then answers 404', async () => {
    const { id, secret } = await createChannel(ctx, owner, 'api', { callbackUrl: 'http://127.0.0.1:9/cb' });
    expect((await call(ctx.app, 'DELETE', `/api/channels/${id}`, { cookie: owner.cookie })).status).toBe(204);
    const raw = JSON.stringify({ id: 'x', from: 'y', text: 'z' });
    expect((await postWebhook(ctx, id, raw, { 'x-switchboard-signature': sha256Header(secret!, raw) })).status).toBe(404);
    expect((await ctx.database.pool.query('select deleted_at from channels where id = $1', [id])).rows[0].deleted_at).not.toBeNull();
  });
});
