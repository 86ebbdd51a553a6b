import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sha256Header } from '../../signatures';
import { inboundRequest, verifyContext } from '../../testing/inbound';
import { startStandIn, type StandIn } from '../../testing/stand-in';
import type { OutboundMessage } from '../../types';
import { apiAdapter } from './index';
import { loopback } from '../../testing/egress';

const secret = 'api-channel-secret-0123456789';
const url = 'https://sb.example/webhooks/channels/ch_api';
let receiver: StandIn;
const config = () => ({ callbackUrl: `${receiver.baseUrl}/switchboard/outbound`, secret });

beforeAll(async () => {
  // The customer's own endpoint, checking our signature the way we tell them to.
  receiver = await startStandIn((req) => {
    if (req.headers['x-switchboard-signature'] !== sha256Header(secret, req.body)) return { status: 401, json: { error: 'bad signature' } };
    const body = req.json();
    if (body.to === 'unknown') return { status: 422, json: { error: { message: `no user ${body.to}` } } };
    return { json: body.to === 'numbered' ? { id: 'their-42' } : { ok: true } };
  });
});
afterAll(() => receiver.close());
beforeEach(() => receiver.reset());

const signed = (body: unknown, key = secret) => {
  const raw = JSON.stringify(body);
  return inboundRequest({
    url,
    headers: { 'content-type': 'application/json', 'X-Switchboard-Signature': sha256Header(key, raw) },
    body: raw,
  });
};

describe('api inbound', () => {
  it('verifies the HMAC of the raw body and refuses forged or unsigned posts', () => {
    const body = { id: 'ext-1', from: 'user-7', text: 'hello', name: 'Sam' };
    expect(apiAdapter.verify(signed(body), { ...config() }, verifyContext())).toEqual({ ok: true });
    expect(apiAdapter.verify(signed(body, 'not-the-secret-at-all'), config(), verifyContext())).toMatchObject({ ok: false, status: 403 });
    expect(apiAdapter.verify(inboundRequest({ url, body }), config(), verifyContext())).toMatchObject({ ok: false, status: 401 });
  });

  it('parses a message, numeric ids as strings', () => {
    expect(apiAdapter.parseInbound(signed({ id: 'ext-1', from: 7, text: 'hello', name: 'Sam' }), config())).toEqual([
      {
        kind: 'message',
        providerMessageId: 'ext-1',
        externalId: '7',
        name: 'Sam',
        text: 'hello',
        attachments: [],
        timestamp: expect.any(Date),
      },
    ]);
  });

  it('parses a status callback', () => {
    expect(apiAdapter.parseInbound(signed({ type: 'status', id: 'msg_1', status: 'failed', error: 'user left' }), config())).toEqual([
      { kind: 'status', providerMessageId: 'msg_1', status: 'failed', error: 'user left' },
    ]);
  });

  it('rejects malformed payloads', () => {
    expect(() => apiAdapter.parseInbound(signed({ id: 'x', text: 'no sender' }), config())).toThrow(/from/);
    expect(() => apiAdapter.parseInbound(inboundRequest({ url, body: '{' }), config())).toThrow(/JSON/);
  });
});

describe('api send', () => {
  const msg: OutboundMessage = { id: 'msg_1', to: 'user-7', text: 'Hi Sam', windowOpen: true, quickReplies: ['A', 'B'] };

  it('posts the signed JSON to the callback URL', async () => {
    expect(await apiAdapter.send(msg, config(), loopback)).toEqual({ providerMessageId: 'msg_1', status: 'sent' });
    const [req] = receiver.requests;
    expect(req?.path).toBe('/switchboard/outbound');
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.json()).toEqual({ id: 'msg_1', to: 'user-7', text: 'Hi Sam', quickReplies: ['A', 'B'] });
    expect(await apiAdapter.send({ ...msg, to: 'numbered' }, config(), loopback)).toEqual({
      providerMessageId: 'their-42',
      status: 'sent',
    });
  });

  it('maps errors: 4xx with the receiver’s message, 500, 429', async () => {
    await expect(apiAdapter.send({ ...msg, to: 'unknown' }, config(), loopback)).rejects.toMatchObject({
      retryable: false,
      status: 422,
      message: expect.stringContaining('no user unknown'),
    });
    await expect(apiAdapter.send(msg, { ...config(), secret: 'another-secret-0123456789' }, loopback)).rejects.toMatchObject({
      retryable: false,
      status: 401,
    });
    receiver.failNext({ status: 500 });
    await expect(apiAdapter.send(msg, config(), loopback)).rejects.toMatchObject({ retryable: true, status: 500 });
    receiver.failNext({ status: 429, headers: { 'retry-after': '3' } });
    await expect(apiAdapter.send(msg, config(), loopback)).rejects.toMatchObject({ retryable: true, retryAfterMs: 3000 });
  });
});
