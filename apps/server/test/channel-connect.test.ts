import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandIn, type StandIn } from '@switchboard/channels/testing';
import { drain } from './flow-helpers';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { postWebhook } from './inbox-fixtures';

/**
 * Telegram connects itself: creating the channel calls setWebhook with the channel's webhook URL
 * and secret token, deleting it calls deleteWebhook; an address Telegram cannot call is said in
 * words on the channel instead. The card shows when a customer last wrote and the last refused send.
 */
const token = '777:CONNECT-token';
let telegram: StandIn;
let https: TestContext;
let plain: TestContext;

beforeAll(async () => {
  telegram = await startStandIn((req) => {
    if (!req.path.startsWith(`/bot${token}/`)) return { status: 401, json: { ok: false, error_code: 401, description: 'Unauthorized' } };
    const method = req.path.split('/').pop();
    if (method === 'setWebhook' && !String(req.json().url).startsWith('https://'))
      return {
        status: 400,
        json: { ok: false, error_code: 400, description: 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook' },
      };
    if (method === 'sendMessage')
      return { status: 403, json: { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' } };
    return { json: { ok: true, result: true } };
  });
  https = await createTestContext({ publicUrl: 'https://bakery.example' });
  plain = await createTestContext();
});
afterAll(async () => {
  await telegram.close();
  await https.close();
  await plain.close();
});

const config = () => ({ botToken: token, secretToken: 'connect-secret', baseUrl: telegram.baseUrl });

describe('Telegram connects itself', () => {
  let owner: Session;
  let channelId: string;

  it('creating the channel registers its webhook with the secret token', async () => {
    owner = await signup(https.app, 'Connect');
    const res = await call(https.app, 'POST', '/api/channels', {
      cookie: owner.cookie,
      body: { type: 'telegram', name: 'Bot', config: config() },
    });
    expect(res.status).toBe(201);
    channelId = res.body.id;
    expect(res.body.connection).toMatchObject({ state: 'connected' });
    const set = telegram.requests.find((r) => r.path.endsWith('/setWebhook'))!;
    expect(set.json()).toMatchObject({ url: `https://bakery.example/webhooks/channels/${channelId}`, secret_token: 'connect-secret' });
    const { body } = await call(https.app, 'GET', `/api/channels/${channelId}`, { cookie: owner.cookie });
    expect(body.config.connection).toMatchObject({ state: 'connected', message: expect.stringContaining('Telegram') });
  });

  it('the card shows the last message in and the last refused send', async () => {
    const update = JSON.stringify({
      update_id: 9001,
      message: {
        message_id: 1,
        from: { id: 55, is_bot: false, first_name: 'Ana' },
        chat: { id: 55, type: 'private' },
        date: Math.floor(Date.now() / 1000),
        text: 'hi',
      },
    });
    expect(
      (
        await postWebhook(https, channelId, update, {
          'content-type': 'application/json',
          'x-telegram-bot-api-secret-token': 'connect-secret',
        })
      ).status,
    ).toBe(200);
    const { rows } = await https.database.pool.query('select conversation_id from messages where channel_id = $1', [channelId]);
    await call(https.app, 'POST', `/api/conversations/${rows[0].conversation_id}/messages`, {
      cookie: owner.cookie,
      body: { text: 'Hello Ana' },
    });
    // Delivered by its job; Telegram answers 403 (blocked), which fails the send for good.
    await drain(https);
    const { body } = await call(https.app, 'GET', '/api/channels', { cookie: owner.cookie });
    const card = body.channels.find((c: { id: string }) => c.id === channelId);
    expect(card.health.lastInboundAt).not.toBeNull();
    expect(card.health.lastSendError.error).toContain('bot was blocked by the user');
  });

  it('deleting the channel removes the webhook', async () => {
    telegram.reset();
    expect((await call(https.app, 'DELETE', `/api/channels/${channelId}`, { cookie: owner.cookie })).status).toBe(204);
    expect(telegram.requests.map((r) => r.path.split('/').pop())).toEqual(['deleteWebhook']);
  });

  it('with an address Telegram cannot call, Connect says so and calls nothing', async () => {
    telegram.reset();
    const other = await signup(plain.app, 'Plain');
    const res = await call(plain.app, 'POST', '/api/channels', {
      cookie: other.cookie,
      body: { type: 'telegram', name: 'Bot', config: config() },
    });
    expect(res.status).toBe(201);
    expect(res.body.connection).toMatchObject({ state: 'not_connected', message: expect.stringContaining('Set PUBLIC_URL') });
    expect(telegram.requests).toEqual([]);
  });
});

describe("Meta's verification handshake", () => {
  it('a handshake with the right token marks the channel connected; a wrong one changes nothing', async () => {
    const owner = await signup(https.app, 'Handshake');
    const res = await call(https.app, 'POST', '/api/channels', {
      cookie: owner.cookie,
      body: { type: 'whatsapp', name: 'WA', config: { phoneNumberId: 'PNH', accessToken: 't', appSecret: 's', verifyToken: 'hs-token' } },
    });
    const id = res.body.id as string;
    const status = async () => (await call(https.app, 'GET', `/api/channels/${id}`, { cookie: owner.cookie })).body.config.connection;
    expect((await https.app.request(`/webhooks/channels/${id}?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`)).status).toBe(
      403,
    );
    expect(await status()).toBeUndefined();
    const ok = await https.app.request(`/webhooks/channels/${id}?hub.mode=subscribe&hub.verify_token=hs-token&hub.challenge=42`);
    expect(await ok.text()).toBe('42');
    expect(await status()).toMatchObject({ state: 'connected', message: 'Meta verified this webhook.' });
  });
});
