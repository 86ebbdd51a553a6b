import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sha256Header } from '../../signatures';
import { startGraphStandIn } from '../../testing/graph-stand-in';
import { inboundRequest, verifyContext } from '../../testing/inbound';
import type { StandIn } from '../../testing/stand-in';
import type { OutboundMessage } from '../../types';
import { whatsappAdapter } from './index';
import { loopback } from '../../testing/egress';

const base = { phoneNumberId: '106540352242922', accessToken: 'EAAwa-token', appSecret: 'wa-app-secret', verifyToken: 'wa-verify' };
const url = 'https://sb.example/webhooks/channels/ch_wa';
let graph: StandIn;
const config = () => ({ ...base, baseUrl: graph.baseUrl });

beforeAll(async () => {
  graph = await startGraphStandIn({ token: base.accessToken, phoneNumberId: base.phoneNumberId });
});
afterAll(() => graph.close());
beforeEach(() => graph.reset());

function signed(payload: unknown, secret = base.appSecret) {
  const raw = JSON.stringify(payload);
  return inboundRequest({ url, headers: { 'x-hub-signature-256': sha256Header(secret, raw) }, body: raw });
}

const value = (phoneNumberId: string, rest: Record<string, unknown>) => ({
  messaging_product: 'whatsapp',
  metadata: { display_phone_number: '15550001111', phone_number_id: phoneNumberId },
  ...rest,
});

const notification = {
  object: 'whatsapp_business_account',
  entry: [
    {
      id: 'WABA_1',
      changes: [
        {
          field: 'messages',
          value: value(base.phoneNumberId, {
            contacts: [{ profile: { name: 'Maria' }, wa_id: '447700900123' }],
            messages: [
              {
                from: '447700900123',
                id: 'wamid.B',
                timestamp: '1767000060',
                type: 'image',
                image: { id: 'MEDIA_1', mime_type: 'image/jpeg', caption: 'like this one' },
              },
              { from: '447700900123', id: 'wamid.A', timestamp: '1767000000', type: 'text', text: { body: 'Do you deliver?' } },
            ],
          }),
        },
      ],
    },
    {
      id: 'WABA_1',
      changes: [
        {
          field: 'messages',
          value: value(base.phoneNumberId, {
            contacts: [{ profile: { name: 'Maria' }, wa_id: '447700900123' }],
            messages: [
              {
                from: '447700900123',
                id: 'wamid.C',
                timestamp: '1767000120',
                type: 'interactive',
                interactive: { type: 'button_reply', button_reply: { id: 'Tomorrow', title: 'Tomorrow' } },
              },
              {
                from: '447700900123',
                id: 'wamid.R',
                timestamp: '1767000121',
                type: 'reaction',
                reaction: { message_id: 'wamid.out', emoji: '👍' },
              },
            ],
            statuses: [
              { id: 'wamid.out1', status: 'delivered', timestamp: '1767000030', recipient_id: '447700900123' },
              {
                id: 'wamid.out2',
                status: 'failed',
                timestamp: '1767000090',
                recipient_id: '447700900123',
                errors: [
                  {
                    code: 131047,
                    title: 'Re-engagement message',
                    error_data: { details: 'Message failed to send because more than 24 hours have passed' },
                  },
                ],
              },
            ],
          }),
        },
        // Another number of the same business, posted to the same app webhook: not this channel's.
        {
          field: 'messages',
          value: value('999', { messages: [{ from: '1', id: 'wamid.other', timestamp: '1767000000', type: 'text', text: { body: 'x' } }] }),
        },
      ],
    },
  ],
};

describe('whatsapp webhook', () => {
  it('answers the handshake only with the right verify token', () => {
    const get = (token: string) =>
      inboundRequest({ method: 'GET', url: `${url}?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=42` });
    expect(whatsappAdapter.handshake?.(get('wa-verify'), base)).toEqual({ status: 200, body: '42', contentType: 'text/plain' });
    expect(whatsappAdapter.handshake?.(get('guess'), base)).toMatchObject({ status: 403 });
  });

  it('verifies the signature and refuses forged or unsigned bodies', () => {
    expect(whatsappAdapter.verify(signed(notification), base, verifyContext())).toEqual({ ok: true });
    expect(whatsappAdapter.verify(signed(notification, 'nope'), base, verifyContext())).toMatchObject({ ok: false, status: 403 });
    expect(whatsappAdapter.verify(inboundRequest({ url, body: notification }), base, verifyContext())).toMatchObject({
      ok: false,
      status: 401,
    });
  });

  it('parses every entry, change, message and status in timestamp order', () => {
    expect(whatsappAdapter.parseInbound(signed(notification), base)).toEqual([
      {
        kind: 'message',
        providerMessageId: 'wamid.A',
        externalId: '447700900123',
        phone: '+447700900123',
        name: 'Maria',
        text: 'Do you deliver?',
        attachments: [],
        timestamp: new Date(1767000000_000),
      },
      { kind: 'status', providerMessageId: 'wamid.out1', status: 'delivered', timestamp: new Date(1767000030_000) },
      {
        kind: 'message',
        providerMessageId: 'wamid.B',
        externalId: '447700900123',
        phone: '+447700900123',
        name: 'Maria',
        text: 'like this one',
        attachments: [{ url: 'wa-media:MEDIA_1', contentType: 'image/jpeg' }],
        timestamp: new Date(1767000060_000),
      },
      {
        kind: 'status',
        providerMessageId: 'wamid.out2',
        status: 'failed',
        error: 'Re-engagement message: Message failed to send because more than 24 hours have passed (#131047)',
        timestamp: new Date(1767000090_000),
      },
      expect.objectContaining({ providerMessageId: 'wamid.C', text: 'Tomorrow', quickReply: 'Tomorrow' }),
    ]);
  });

  it('rejects malformed notifications', () => {
    expect(() => whatsappAdapter.parseInbound(signed({ object: 'page', entry: [] }), base)).toThrow();
    expect(() => whatsappAdapter.parseInbound(inboundRequest({ url, body: '{"object":' }), base)).toThrow(/JSON/);
  });
});

describe('whatsapp send', () => {
  const msg: OutboundMessage = { id: 'msg_1', to: '447700900123', text: 'Yes, every day from 8am.', windowOpen: true };
  const head = { messaging_product: 'whatsapp', recipient_type: 'individual', to: '447700900123' };

  it('sends text with the Bearer token to /{version}/{phone-number-id}/messages', async () => {
    expect(await whatsappAdapter.send(msg, config(), loopback)).toEqual({ providerMessageId: 'wamid.1', status: 'queued' });
    expect(graph.requests[0]?.path).toBe(`/v21.0/${base.phoneNumberId}/messages`);
    expect(graph.requests[0]?.json()).toEqual({ ...head, type: 'text', text: { body: msg.text, preview_url: false } });
    await whatsappAdapter.send(msg, { ...config(), apiVersion: 'v20.0' }, loopback).catch(() => undefined);
    expect(graph.requests[1]?.path).toBe(`/v20.0/${base.phoneNumberId}/messages`);
  });

  it('sends an image with caption, and quick replies as buttons', async () => {
    await whatsappAdapter.send({ ...msg, mediaUrl: 'https://cdn.example/menu.jpg' }, config(), loopback);
    expect(graph.requests[0]?.json()).toEqual({
      ...head,
      type: 'image',
      image: { link: 'https://cdn.example/menu.jpg', caption: msg.text },
    });
    await whatsappAdapter.send({ ...msg, quickReplies: ['Today', 'Tomorrow'] }, config(), loopback);
    expect(graph.requests[1]?.json().interactive).toEqual({
      type: 'button',
      body: { text: msg.text },
      action: {
        buttons: [
          { type: 'reply', reply: { id: 'Today', title: 'Today' } },
          { type: 'reply', reply: { id: 'Tomorrow', title: 'Tomorrow' } },
        ],
      },
    });
  });

  it('sends the template outside the window, and refuses free text there', async () => {
    await whatsappAdapter.send(
      { ...msg, windowOpen: false, whatsappTemplate: { name: 'order_ready', language: 'en_US', variables: ['Maria'] } },
      config(),
      loopback,
    );
    expect(graph.requests[0]?.json()).toEqual({
      ...head,
      type: 'template',
      template: {
        name: 'order_ready',
        language: { code: 'en_US' },
        components: [{ type: 'body', parameters: [{ type: 'text', text: 'Maria' }] }],
      },
    });
    await expect(whatsappAdapter.send({ ...msg, windowOpen: false }, config(), loopback)).rejects.toMatchObject({
      retryable: false,
      providerCode: 'template_required',
      message: expect.stringContaining('24 hours'),
    });
    expect(graph.requests).toHaveLength(1);
  });

  it('maps errors: 4xx with details, 131047, 130429 throttling, 500 and 429', async () => {
    await expect(whatsappAdapter.send({ ...msg, to: 'abc' }, config(), loopback)).rejects.toMatchObject({
      retryable: false,
      status: 400,
      providerCode: '131009',
      message: expect.stringContaining('Recipient phone number not valid'),
    });
    graph.failNext({ status: 400, json: { error: { message: 'Re-engagement message', code: 131047 } } });
    await expect(whatsappAdapter.send(msg, config(), loopback)).rejects.toMatchObject({
      retryable: false,
      message: expect.stringContaining('approved template'),
    });
    graph.failNext({ status: 400, json: { error: { message: '(#130429) Rate limit hit', code: 130429 } } });
    await expect(whatsappAdapter.send(msg, config(), loopback)).rejects.toMatchObject({ retryable: true });
    graph.failNext({ status: 500, json: { error: { message: 'Service temporarily unavailable', code: 2 } } });
    await expect(whatsappAdapter.send(msg, config(), loopback)).rejects.toMatchObject({ retryable: true, status: 500 });
    graph.failNext({ status: 429, headers: { 'retry-after': '2' }, json: { error: { message: 'Too many', code: 80007 } } });
    await expect(whatsappAdapter.send(msg, config(), loopback)).rejects.toMatchObject({ retryable: true, retryAfterMs: 2000 });
  });
});

describe('whatsapp media', () => {
  it('downloads wa-media: through the media endpoint with the token', async () => {
    const media = await whatsappAdapter.fetchMedia?.('wa-media:MEDIA_1', config(), loopback);
    expect(media).toEqual({ data: Buffer.from([0xff, 0xd8, 0xff, 0xe0]), contentType: 'image/jpeg' });
    expect(graph.requests.map((r) => [r.method, r.path, r.headers.authorization])).toEqual([
      ['GET', '/v21.0/MEDIA_1', `Bearer ${base.accessToken}`],
      ['GET', '/lookaside/MEDIA_1', `Bearer ${base.accessToken}`],
    ]);
    expect(await whatsappAdapter.fetchMedia?.('https://cdn.example/a.jpg', config(), loopback)).toBeNull();
    await expect(whatsappAdapter.fetchMedia?.('wa-media:nope', config(), loopback)).rejects.toMatchObject({
      retryable: false,
      status: 404,
    });
  });
});
