import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sha256Header } from '../../signatures';
import { startGraphStandIn } from '../../testing/graph-stand-in';
import { inboundRequest, verifyContext } from '../../testing/inbound';
import type { StandIn } from '../../testing/stand-in';
import type { OutboundMessage } from '../../types';
import { messengerAdapter } from './index';
import { loopback } from '../../testing/egress';

const appSecret = 'app-secret-42';
const base = { pageId: '1122', pageAccessToken: 'EAAG-page-token', appSecret, verifyToken: 'verify-me' };
const url = 'https://sb.example/webhooks/channels/ch_m';
const ctx = verifyContext();
let graph: StandIn;
const config = () => ({ ...base, baseUrl: graph.baseUrl });

beforeAll(async () => {
  graph = await startGraphStandIn({ token: base.pageAccessToken });
});
afterAll(() => graph.close());
beforeEach(() => graph.reset());

function signed(payload: unknown, secret = appSecret) {
  // Spacing as Meta sends it: the signature is over these exact bytes, not re-serialised JSON.
  const raw = JSON.stringify(payload, null, 1);
  return inboundRequest({
    url,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': sha256Header(secret, raw) },
    body: raw,
  });
}

const batch = {
  object: 'page',
  entry: [
    {
      id: '1122',
      time: 1767000002000,
      messaging: [
        { sender: { id: '9001' }, recipient: { id: '1122' }, timestamp: 1767000001500, message: { mid: 'm_late', text: 'second' } },
        {
          sender: { id: '1122' },
          recipient: { id: '9001' },
          timestamp: 1767000001000,
          message: { mid: 'm_echo', text: 'our reply', is_echo: true, app_id: 1 },
        },
      ],
    },
    {
      id: '1122',
      time: 1767000002000,
      messaging: [
        {
          sender: { id: '9001' },
          recipient: { id: '1122' },
          timestamp: 1767000000500,
          message: {
            mid: 'm_early',
            text: 'first',
            quick_reply: { payload: 'Prices' },
            attachments: [{ type: 'image', payload: { url: 'https://scontent.example/cake.jpg' } }],
          },
        },
        {
          sender: { id: '9001' },
          recipient: { id: '1122' },
          timestamp: 1767000003000,
          delivery: { mids: ['m_out1'], watermark: 1767000002900 },
        },
        { sender: { id: '9001' }, recipient: { id: '1122' }, timestamp: 1767000004000, read: { watermark: 1767000003900 } },
        {
          sender: { id: '9001' },
          recipient: { id: '1122' },
          timestamp: 1767000005000,
          postback: { mid: 'm_pb', title: 'Order a cake', payload: 'ORDER' },
        },
        { sender: { id: '9001' }, recipient: { id: '1122' }, timestamp: 1767000006000, optin: { ref: 'x' } },
      ],
    },
  ],
};

describe('messenger webhook', () => {
  it('answers the verification handshake', () => {
    const get = (query: string) => inboundRequest({ method: 'GET', url: `${url}?${query}` });
    expect(messengerAdapter.handshake?.(get('hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444'), base)).toEqual({
      status: 200,
      body: '1158201444',
      contentType: 'text/plain',
    });
    expect(messengerAdapter.handshake?.(get('hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1'), base)).toMatchObject({
      status: 403,
    });
    expect(messengerAdapter.handshake?.(signed(batch), base)).toBeNull();
  });

  it('verifies X-Hub-Signature-256 over the raw bytes and refuses forgeries', () => {
    expect(messengerAdapter.verify(signed(batch), base, ctx)).toEqual({ ok: true });
    expect(messengerAdapter.verify(signed(batch, 'other-secret'), base, ctx)).toMatchObject({ ok: false, status: 403 });
    const reserialised = signed(batch);
    reserialised.rawBody = Buffer.from(JSON.stringify(batch));
    expect(messengerAdapter.verify(reserialised, base, ctx)).toMatchObject({ ok: false, status: 403 });
    expect(messengerAdapter.verify(inboundRequest({ url, body: batch }), base, ctx)).toMatchObject({ ok: false, status: 401 });
  });

  it('parses a batch across entries, drops echoes and sorts by timestamp', () => {
    const events = messengerAdapter.parseInbound(signed(batch), base);
    expect(events).toEqual([
      {
        kind: 'message',
        providerMessageId: 'm_early',
        externalId: '9001',
        text: 'first',
        quickReply: 'Prices',
        attachments: [{ url: 'https://scontent.example/cake.jpg', contentType: 'image/*' }],
        timestamp: new Date(1767000000500),
      },
      {
        kind: 'message',
        providerMessageId: 'm_late',
        externalId: '9001',
        text: 'second',
        attachments: [],
        timestamp: new Date(1767000001500),
      },
      { kind: 'status', providerMessageId: 'm_out1', status: 'delivered', timestamp: new Date(1767000003000) },
      { kind: 'watermark', externalId: '9001', status: 'read', timestamp: new Date(1767000003900) },
      {
        kind: 'message',
        providerMessageId: 'm_pb',
        externalId: '9001',
        text: 'Order a cake',
        quickReply: 'ORDER',
        attachments: [],
        timestamp: new Date(1767000005000),
      },
    ]);
  });

  it('rejects malformed bodies and the wrong object', () => {
    expect(() => messengerAdapter.parseInbound(inboundRequest({ url, body: 'not json' }), base)).toThrow(/JSON/);
    expect(() => messengerAdapter.parseInbound(signed({ object: 'instagram', entry: [] }), base)).toThrow(/object/);
    expect(() => messengerAdapter.parseInbound(signed({ entry: 'x' }), base)).toThrow();
  });
});

describe('messenger send', () => {
  const msg: OutboundMessage = { id: 'msg_1', to: '9001', text: 'A 6-inch cake is $30.', windowOpen: true };

  it('posts RESPONSE text with the page token and quick replies', async () => {
    const result = await messengerAdapter.send(
      { ...msg, quickReplies: ['Order now', 'A much longer option title here'] },
      config(),
      loopback,
    );
    expect(result).toEqual({ providerMessageId: 'm_1', status: 'sent' });
    expect(graph.requests[0]?.path).toBe('/v21.0/me/messages');
    expect(graph.requests[0]?.json()).toEqual({
      recipient: { id: '9001' },
      messaging_type: 'RESPONSE',
      message: {
        text: 'A 6-inch cake is $30.',
        quick_replies: [
          { content_type: 'text', title: 'Order now', payload: 'Order now' },
          { content_type: 'text', title: 'A much longer option', payload: 'A much longer option title here' },
        ],
      },
    });
  });

  it('sends the image as its own attachment message, then the text', async () => {
    const result = await messengerAdapter.send({ ...msg, mediaUrl: 'https://cdn.example/cake.png' }, config(), loopback);
    expect(graph.requests.map((r) => r.json().message)).toEqual([
      { attachment: { type: 'image', payload: { url: 'https://cdn.example/cake.png', is_reusable: true } } },
      { text: 'A 6-inch cake is $30.' },
    ]);
    expect(result.providerMessageId).toBe('m_3');
  });

  it('tags HUMAN_AGENT outside the window and refuses the bot there', async () => {
    await messengerAdapter.send({ ...msg, windowOpen: false, humanAgent: true }, config(), loopback);
    expect(graph.requests[0]?.json()).toMatchObject({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    await expect(messengerAdapter.send({ ...msg, windowOpen: false }, config(), loopback)).rejects.toMatchObject({
      retryable: false,
      providerCode: 'window_closed',
    });
    expect(graph.requests).toHaveLength(1);
  });

  it('maps Graph errors: 4xx with its message, bad token, 500 and 429', async () => {
    await expect(messengerAdapter.send({ ...msg, to: 'nobody' }, config(), loopback)).rejects.toMatchObject({
      retryable: false,
      status: 400,
      providerCode: '100',
      message: expect.stringContaining('No matching user found'),
    });
    await expect(messengerAdapter.send(msg, { ...config(), pageAccessToken: 'expired' }, loopback)).rejects.toMatchObject({
      retryable: false,
      providerCode: '190',
      message: expect.stringContaining('reconnect the channel'),
    });
    graph.failNext({ status: 500, json: { error: { message: 'An unexpected error has occurred.', code: 2, is_transient: true } } });
    await expect(messengerAdapter.send(msg, config(), loopback)).rejects.toMatchObject({ retryable: true, status: 500 });
    graph.failNext({ status: 429, headers: { 'retry-after': '30' }, json: { error: { message: 'Too many calls', code: 613 } } });
    await expect(messengerAdapter.send(msg, config(), loopback)).rejects.toMatchObject({ retryable: true, retryAfterMs: 30_000 });
    // Graph signals page throttling with HTTP 400 and code 32: still a passing fault.
    graph.failNext({ status: 400, json: { error: { message: 'Page request limit reached', code: 32 } } });
    await expect(messengerAdapter.send(msg, config(), loopback)).rejects.toMatchObject({
      retryable: true,
      status: 400,
      providerCode: '32',
    });
  });
});
