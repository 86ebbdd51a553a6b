import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sha256Header } from '../../signatures';
import { startGraphStandIn } from '../../testing/graph-stand-in';
import { inboundRequest, verifyContext } from '../../testing/inbound';
import type { StandIn } from '../../testing/stand-in';
import type { OutboundMessage } from '../../types';
import { instagramAdapter } from './index';
import { loopback } from '../../testing/egress';

const base = { pageId: '1122', pageAccessToken: 'EAAG-ig-token', appSecret: 'ig-app-secret', verifyToken: 'verify-ig' };
const url = 'https://sb.example/webhooks/channels/ch_ig';
let graph: StandIn;
const config = () => ({ ...base, baseUrl: graph.baseUrl });

beforeAll(async () => {
  graph = await startGraphStandIn({ token: base.pageAccessToken, instagram: true });
});
afterAll(() => graph.close());
beforeEach(() => graph.reset());

function signed(payload: unknown, secret = base.appSecret) {
  const raw = JSON.stringify(payload);
  return inboundRequest({ url, headers: { 'x-hub-signature-256': sha256Header(secret, raw) }, body: raw });
}

const dm = {
  object: 'instagram',
  entry: [
    {
      id: '17841400000000000',
      time: 1767000010000,
      messaging: [
        { sender: { id: '6789' }, recipient: { id: '17841400000000000' }, timestamp: 1767000009000, read: { mid: 'aWdfZAG1_out' } },
        {
          sender: { id: '6789' },
          recipient: { id: '17841400000000000' },
          timestamp: 1767000008000,
          message: {
            mid: 'aWdfZAG1_in',
            text: 'How much is a birthday cake?',
            attachments: [{ type: 'story_mention', payload: { url: 'https://lookaside.example/story' } }],
          },
        },
        {
          sender: { id: '17841400000000000' },
          recipient: { id: '6789' },
          timestamp: 1767000008500,
          message: { mid: 'aWdfZAG1_echo', text: 'hi', is_echo: true },
        },
      ],
    },
  ],
};

describe('instagram webhook', () => {
  it('verifies, handshakes and refuses forgeries', () => {
    expect(instagramAdapter.verify(signed(dm), base, verifyContext())).toEqual({ ok: true });
    expect(instagramAdapter.verify(signed(dm, 'forged'), base, verifyContext())).toMatchObject({ ok: false, status: 403 });
    expect(instagramAdapter.verify(inboundRequest({ url, body: dm }), base, verifyContext())).toMatchObject({ ok: false, status: 401 });
    const get = inboundRequest({ method: 'GET', url: `${url}?hub.mode=subscribe&hub.verify_token=verify-ig&hub.challenge=abc` });
    expect(instagramAdapter.handshake?.(get, base)).toMatchObject({ status: 200, body: 'abc' });
  });

  it('parses DMs and read receipts by mid, skipping echoes', () => {
    expect(instagramAdapter.parseInbound(signed(dm), base)).toEqual([
      {
        kind: 'message',
        providerMessageId: 'aWdfZAG1_in',
        externalId: '6789',
        text: 'How much is a birthday cake?',
        attachments: [{ url: 'https://lookaside.example/story' }],
        timestamp: new Date(1767000008000),
      },
      { kind: 'status', providerMessageId: 'aWdfZAG1_out', status: 'read', timestamp: new Date(1767000009000) },
    ]);
    expect(() => instagramAdapter.parseInbound(signed({ ...dm, object: 'page' }), base)).toThrow(/instagram/);
  });
});

describe('instagram send', () => {
  const msg: OutboundMessage = { id: 'msg_ig', to: '6789', text: 'A birthday cake starts at $30 🎂', windowOpen: true };

  it('posts to me/messages with the page token', async () => {
    expect(await instagramAdapter.send(msg, config(), loopback)).toEqual({ providerMessageId: 'm_1', status: 'sent' });
    expect(graph.requests[0]?.path).toBe('/v21.0/me/messages');
    expect(graph.requests[0]?.json()).toEqual({ recipient: { id: '6789' }, messaging_type: 'RESPONSE', message: { text: msg.text } });
  });

  it('splits text over 1,000 UTF-8 bytes into several DMs at word breaks, never truncating', async () => {
    const word = 'gâteau🎂 '; // 12 bytes, multi-byte characters on purpose
    const text = word.repeat(200).trim();
    const result = await instagramAdapter.send({ ...msg, text, quickReplies: ['Order'] }, config(), loopback);
    const sent = graph.requests.map((r) => r.json().message);
    expect(sent.length).toBe(3);
    for (const part of sent) expect(Buffer.byteLength(part.text)).toBeLessThanOrEqual(1000);
    expect(sent.map((m) => m.text).join(' ')).toBe(text);
    expect(sent.slice(0, -1).every((m) => m.quick_replies === undefined)).toBe(true);
    expect(sent.at(-1).quick_replies).toEqual([{ content_type: 'text', title: 'Order', payload: 'Order' }]);
    expect(result.providerMessageId).toBe(`m_${graph.requests.length + 1}`);
  });

  it('maps errors: 4xx message, 500 retryable, 429 Retry-After', async () => {
    await expect(instagramAdapter.send({ ...msg, to: 'nobody' }, config(), loopback)).rejects.toMatchObject({
      retryable: false,
      message: expect.stringContaining('No matching user found'),
    });
    graph.failNext({ status: 503, body: 'Service Unavailable' });
    await expect(instagramAdapter.send(msg, config(), loopback)).rejects.toMatchObject({ retryable: true, status: 503 });
    graph.failNext({
      status: 429,
      headers: { 'retry-after': 'Wed, 21 Oct 2099 07:28:00 GMT' },
      json: { error: { message: 'Calls to this api have exceeded the rate limit.', code: 613 } },
    });
    const error = await instagramAdapter.send(msg, config(), loopback).catch((e: unknown) => e);
    expect(error).toMatchObject({ retryable: true, status: 429 });
    expect((error as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
  });
});
