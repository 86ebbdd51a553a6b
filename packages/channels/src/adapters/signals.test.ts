import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loopback } from '../testing/egress';
import { startStandIn, type StandIn } from '../testing/stand-in';
import { instagramAdapter } from './instagram/index';
import { messengerAdapter } from './messenger/index';
import { telegramAdapter } from './telegram/index';
import { whatsappAdapter } from './whatsapp/index';

/** Plays the Graph and Bot API endpoints for read receipts and typing, checking each body's shape. */
let provider: StandIn;
beforeAll(async () => {
  provider = await startStandIn((req) => {
    if (req.path.startsWith('/bot123456:TG-TOKEN/')) {
      const body = req.json<{ chat_id?: string; action?: string }>();
      if (req.path !== '/bot123456:TG-TOKEN/sendChatAction' || !body.chat_id || !['typing', 'upload_photo'].includes(body.action ?? ''))
        return { status: 400, json: { ok: false, error_code: 400, description: 'Bad Request: wrong action' } };
      return { json: { ok: true, result: true } };
    }
    if (req.headers.authorization !== 'Bearer TOKEN')
      return { status: 401, json: { error: { message: 'Invalid OAuth access token', code: 190 } } };
    const body = req.json<Record<string, any>>();
    if (req.path === '/v21.0/PN1/messages') {
      if (body.messaging_product !== 'whatsapp' || body.status !== 'read' || !String(body.message_id).startsWith('wamid.'))
        return { status: 400, json: { error: { message: 'Invalid parameter', code: 100 } } };
      return { json: { success: true } };
    }
    if (req.path === '/v21.0/me/messages') {
      if (!body.recipient?.id || !['mark_seen', 'typing_on', 'typing_off'].includes(body.sender_action) || body.message)
        return { status: 400, json: { error: { message: 'Invalid sender_action', code: 100 } } };
      return { json: { recipient_id: body.recipient.id } };
    }
    return { status: 404, json: { error: { message: 'Unknown path', code: 100 } } };
  });
});
afterAll(() => provider.close());
beforeEach(() => provider.reset());

const page = () => ({ pageId: 'PAGE', pageAccessToken: 'TOKEN', appSecret: 's', verifyToken: 'v', baseUrl: provider.baseUrl });

describe('read receipts and typing', () => {
  it('WhatsApp marks the customer message read, and shows typing on it', async () => {
    const config = { phoneNumberId: 'PN1', accessToken: 'TOKEN', appSecret: 's', verifyToken: 'v', baseUrl: provider.baseUrl };
    expect(await whatsappAdapter.signal!(config, { kind: 'read', to: '1555', providerMessageId: 'wamid.IN1' }, loopback)).toBe(true);
    expect(provider.requests[0]!.json()).toEqual({ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.IN1' });
    await whatsappAdapter.signal!(config, { kind: 'typing', to: '1555', providerMessageId: 'wamid.IN1' }, loopback);
    expect(provider.requests[1]!.json()).toEqual({
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: 'wamid.IN1',
      typing_indicator: { type: 'text' },
    });
    // Without the customer's message there is nothing to mark.
    expect(await whatsappAdapter.signal!(config, { kind: 'read', to: '1555' }, loopback)).toBe(false);
    expect(provider.requests).toHaveLength(2);
  });

  it('Messenger and Instagram send mark_seen and typing_on', async () => {
    await messengerAdapter.signal!(page(), { kind: 'read', to: 'PSID1' }, loopback);
    await instagramAdapter.signal!(page(), { kind: 'typing', to: 'IGSID2' }, loopback);
    expect(provider.requests.map((r) => r.json())).toEqual([
      { recipient: { id: 'PSID1' }, sender_action: 'mark_seen' },
      { recipient: { id: 'IGSID2' }, sender_action: 'typing_on' },
    ]);
  });

  it('Telegram shows typing; a bot has no read receipt to send', async () => {
    const config = { botToken: '123456:TG-TOKEN', secretToken: 'secret-token', baseUrl: provider.baseUrl };
    expect(await telegramAdapter.signal!(config, { kind: 'typing', to: '42' }, loopback)).toBe(true);
    expect(provider.requests[0]!.json()).toEqual({ chat_id: '42', action: 'typing' });
    expect(await telegramAdapter.signal!(config, { kind: 'read', to: '42' }, loopback)).toBe(false);
    expect(provider.requests).toHaveLength(1);
  });
});
