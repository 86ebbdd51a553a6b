import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getExpectedTwilioSignature, validateRequest } from 'twilio/lib/webhooks/webhooks';
import { ProviderError } from '../../errors';
import { formBody, inboundRequest, verifyContext } from '../../testing/inbound';
import { startStandIn, type StandIn } from '../../testing/stand-in';
import type { OutboundMessage } from '../../types';
import { twilioAdapter } from './index';
import { twilioSignature, twilioUrlVariants } from './signature';
import { loopback } from '../../testing/egress';

const sid = 'AC0123456789abcdef0123456789abcdef';
const token = 'twilio-auth-token-123';
const hookUrl = 'https://switchboard.example.com/webhooks/channels/ch_1?tenant=bakery&x=a%20b';

let twilio: StandIn;
let created = 0;

beforeAll(async () => {
  // Plays Twilio's Messages resource: Basic auth, form body, E.164 numbers, 201 + JSON.
  twilio = await startStandIn((req) => {
    if (req.method === 'GET' && req.path === `/2010-04-01/Accounts/${sid}/Messages/MM1/Media/ME1`) {
      if (req.headers.authorization !== `Basic ${Buffer.from(`${sid}:${token}`).toString('base64')}`)
        return { status: 401, json: { code: 20003, message: 'Authenticate' } };
      return { headers: { 'content-type': 'image/png' }, body: Buffer.from([0x89, 0x50, 0x4e, 0x47]) };
    }
    if (req.method !== 'POST' || req.path !== `/2010-04-01/Accounts/${sid}/Messages.json`) {
      return { status: 404, json: { code: 20404, message: 'The requested resource was not found', status: 404 } };
    }
    if (req.headers.authorization !== `Basic ${Buffer.from(`${sid}:${token}`).toString('base64')}`) {
      return { status: 401, json: { code: 20003, message: 'Authenticate', status: 401 } };
    }
    if (req.headers['content-type'] !== 'application/x-www-form-urlencoded')
      return { status: 400, json: { code: 20001, message: 'bad content type' } };
    const form = req.form();
    const to = form.get('To') ?? '';
    if (!/^(whatsapp:)?\+\d{6,15}$/.test(to)) {
      return { status: 400, json: { code: 21211, message: `The 'To' number ${to} is not a valid phone number.`, status: 400 } };
    }
    if (!form.get('Body') && !form.get('MediaUrl') && !form.get('ContentSid')) {
      return { status: 400, json: { code: 21602, message: 'Message body is required.', status: 400 } };
    }
    created++;
    return { status: 201, json: { sid: `SM${String(created).padStart(32, '0')}`, status: 'queued', to, from: form.get('From') } };
  });
});
afterAll(() => twilio.close());
beforeEach(() => twilio.reset());

const sms = { accountSid: sid, authToken: token, from: '+15550001111', baseUrl: '' };
const whatsapp = { ...sms, from: 'whatsapp:+15550001111' };
const ctx = verifyContext();

function signedRequest(fields: Record<string, string | string[]>, url = hookUrl, signWith = url) {
  return inboundRequest({
    url,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': getExpectedTwilioSignature(token, signWith, fields),
    },
    body: formBody(fields),
  });
}

const inboundSms = {
  MessageSid: 'SM11111111111111111111111111111111',
  SmsSid: 'SM11111111111111111111111111111111',
  AccountSid: sid,
  From: '+15557654321',
  To: '+15550001111',
  Body: 'Do you deliver on Sundays? ✨',
  NumMedia: '1',
  MediaUrl0: 'https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM1/Media/ME1',
  MediaContentType0: 'image/jpeg',
  SmsStatus: 'received',
};

describe('twilio signature', () => {
  it('matches twilio-node for the URL and sorted params', () => {
    const params = { Body: 'héllo', From: '+1', To: '+2', a: 'x', B: 'y' };
    expect(twilioSignature(token, hookUrl, params)).toBe(getExpectedTwilioSignature(token, hookUrl, params));
  });

  it('tries the same URL variants as twilio-node validateRequest', () => {
    const variants = twilioUrlVariants('https://example.com/hook?a=b c&d=%7E');
    for (const variant of variants) {
      const signature = getExpectedTwilioSignature(token, variant, inboundSms);
      expect(validateRequest(token, signature, 'https://example.com/hook?a=b c&d=%7E', inboundSms)).toBe(true);
    }
    expect(variants).toContain('https://example.com:443/hook?a=b%20c&d=%7E');
  });

  it('accepts a request signed with and without the explicit :443 port', () => {
    const withPort = 'https://switchboard.example.com:443/webhooks/channels/ch_1?tenant=bakery&x=a%20b';
    expect(twilioAdapter.verify(signedRequest(inboundSms, hookUrl, withPort), sms, ctx)).toEqual({ ok: true });
    expect(twilioAdapter.verify(signedRequest(inboundSms, withPort, hookUrl), sms, ctx)).toEqual({ ok: true });
    const http = 'http://localhost/webhooks/channels/ch_1';
    expect(twilioAdapter.verify(signedRequest(inboundSms, http, 'http://localhost:80/webhooks/channels/ch_1'), sms, ctx)).toEqual({
      ok: true,
    });
  });

  it('refuses a forged, tampered or unsigned request', () => {
    const forged = inboundRequest({ url: hookUrl, headers: { 'x-twilio-signature': 'bm9wZQ==' }, body: formBody(inboundSms) });
    expect(twilioAdapter.verify(forged, sms, ctx)).toMatchObject({ ok: false, status: 403 });
    const tampered = signedRequest(inboundSms);
    tampered.rawBody = Buffer.from(formBody({ ...inboundSms, Body: 'give me a refund' }));
    expect(twilioAdapter.verify(tampered, sms, ctx)).toMatchObject({ ok: false, status: 403 });
    const otherUrl = signedRequest(inboundSms, 'https://switchboard.example.com/webhooks/channels/ch_2', hookUrl);
    expect(twilioAdapter.verify(otherUrl, sms, ctx)).toMatchObject({ ok: false, status: 403 });
    const unsigned = inboundRequest({ url: hookUrl, body: formBody(inboundSms) });
    expect(twilioAdapter.verify(unsigned, sms, ctx)).toMatchObject({ ok: false, status: 401 });
  });
});

describe('twilio inbound', () => {
  it('parses an SMS with media', () => {
    const [event, ...rest] = twilioAdapter.parseInbound(signedRequest(inboundSms), sms);
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      kind: 'message',
      providerMessageId: 'SM11111111111111111111111111111111',
      externalId: '+15557654321',
      phone: '+15557654321',
      text: 'Do you deliver on Sundays? ✨',
      attachments: [{ url: inboundSms.MediaUrl0, contentType: 'image/jpeg' }],
    });
  });

  it('parses a WhatsApp message with profile name and button payload', () => {
    const fields = {
      MessageSid: 'SM22222222222222222222222222222222',
      AccountSid: sid,
      From: 'whatsapp:+447700900123',
      To: 'whatsapp:+15550001111',
      Body: 'Yes please',
      NumMedia: '0',
      ProfileName: 'Ada',
      WaId: '447700900123',
      ButtonPayload: 'confirm',
      ButtonText: 'Yes please',
    };
    const req = signedRequest(fields);
    expect(twilioAdapter.verify(req, whatsapp, ctx)).toEqual({ ok: true });
    expect(twilioAdapter.parseInbound(req, whatsapp)).toEqual([
      expect.objectContaining({
        externalId: 'whatsapp:+447700900123',
        phone: '+447700900123',
        name: 'Ada',
        quickReply: 'confirm',
        attachments: [],
      }),
    ]);
  });

  it('parses status callbacks, with the error code on failure', () => {
    const delivered = { MessageSid: 'SM3', MessageStatus: 'delivered', AccountSid: sid };
    expect(twilioAdapter.parseInbound(signedRequest(delivered), sms)).toEqual([
      { kind: 'status', providerMessageId: 'SM3', status: 'delivered' },
    ]);
    const failed = { MessageSid: 'SM4', MessageStatus: 'undelivered', ErrorCode: '30003', AccountSid: sid };
    expect(twilioAdapter.parseInbound(signedRequest(failed), sms)).toEqual([
      { kind: 'status', providerMessageId: 'SM4', status: 'failed', error: 'Twilio error 30003: unreachable destination handset' },
    ]);
    expect(twilioAdapter.parseInbound(signedRequest({ MessageSid: 'SM5', MessageStatus: 'sending' }), sms)).toEqual([]);
  });

  it('rejects a body without a MessageSid', () => {
    expect(() => twilioAdapter.parseInbound(signedRequest({ From: '+1' }), sms)).toThrow(/MessageSid/);
  });

  it('acknowledges with empty TwiML', () => {
    expect(twilioAdapter.inboundAck?.()).toEqual({
      status: 200,
      contentType: 'text/xml',
      body: '<?xml version="1.0" encoding="UTF-8"?><Response></Response>',
    });
  });
});

describe('twilio send', () => {
  const msg: OutboundMessage = { id: 'msg_1', to: '+15557654321', text: 'We deliver every day 🚚', windowOpen: true };
  const config = () => ({ ...sms, baseUrl: twilio.baseUrl });

  it('posts the form with Basic auth, repeatable MediaUrl and StatusCallback', async () => {
    const result = await twilioAdapter.send(
      {
        ...msg,
        mediaUrl: 'https://cdn.example/cake.jpg',
        quickReplies: ['Yes', 'No'],
        statusCallbackUrl: 'https://sb.example/webhooks/channels/ch_1',
      },
      config(),
      loopback,
    );
    expect(result).toEqual({ providerMessageId: expect.stringMatching(/^SM\d{32}$/), status: 'queued' });
    const [req] = twilio.requests;
    expect(req?.method).toBe('POST');
    expect(Object.fromEntries(req!.form())).toEqual({
      To: '+15557654321',
      From: '+15550001111',
      Body: 'We deliver every day 🚚\n\n1. Yes\n2. No',
      MediaUrl: 'https://cdn.example/cake.jpg',
      StatusCallback: 'https://sb.example/webhooks/channels/ch_1',
    });
  });

  it('uses MessagingServiceSid when from is a messaging service', async () => {
    await twilioAdapter.send(msg, { ...config(), from: 'MG0123456789abcdef0123456789abcdef' }, loopback);
    expect(twilio.requests[0]!.form().get('MessagingServiceSid')).toBe('MG0123456789abcdef0123456789abcdef');
    expect(twilio.requests[0]!.form().has('From')).toBe(false);
  });

  it('sends a WhatsApp template by ContentSid outside the window, and refuses free text', async () => {
    const wa = { ...config(), from: 'whatsapp:+15550001111' };
    await twilioAdapter.send(
      { ...msg, windowOpen: false, whatsappTemplate: { name: 'HX0123', language: 'en', variables: ['Ada', 'Friday'] } },
      wa,
      loopback,
    );
    const form = twilio.requests[0]!.form();
    expect(form.get('To')).toBe('whatsapp:+15557654321');
    expect(form.get('ContentSid')).toBe('HX0123');
    expect(JSON.parse(form.get('ContentVariables')!)).toEqual({ 1: 'Ada', 2: 'Friday' });
    expect(form.has('Body')).toBe(false);

    const error = await twilioAdapter.send({ ...msg, windowOpen: false }, wa, loopback).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ retryable: false, message: expect.stringMatching(/24 hours/) });
    expect(twilio.requests).toHaveLength(1);
    expect(twilioAdapter.requiresTemplateFor?.(wa)).toBe(true);
    expect(twilioAdapter.requiresTemplateFor?.(config())).toBe(false);
  });

  it('maps a 4xx to a non-retryable error with Twilio’s message', async () => {
    const error = await twilioAdapter.send({ ...msg, to: 'not-a-number' }, config(), loopback).catch((e: unknown) => e);
    expect(error).toMatchObject({ retryable: false, status: 400, providerCode: '21211' });
    expect((error as Error).message).toContain("The 'To' number not-a-number is not a valid phone number.");
    const auth = await twilioAdapter.send(msg, { ...config(), authToken: 'wrong' }, loopback).catch((e: unknown) => e);
    expect(auth).toMatchObject({ retryable: false, status: 401, providerCode: '20003' });
  });

  it('maps 500 to retryable and 429 to retryable with Retry-After', async () => {
    twilio.failNext({ status: 500, json: { code: 20500, message: 'Internal Server Error' } });
    await expect(twilioAdapter.send(msg, config(), loopback)).rejects.toMatchObject({ retryable: true, status: 500 });
    twilio.failNext({ status: 429, headers: { 'retry-after': '7' }, json: { code: 20429, message: 'Too Many Requests' } });
    await expect(twilioAdapter.send(msg, config(), loopback)).rejects.toMatchObject({
      retryable: true,
      status: 429,
      retryAfterMs: 7000,
      providerCode: '20429',
    });
  });
});

describe('twilio media', () => {
  it('downloads Twilio media with Basic auth, and leaves other URLs alone', async () => {
    const config = { ...sms, baseUrl: twilio.baseUrl };
    const media = await twilioAdapter.fetchMedia?.(`${twilio.baseUrl}/2010-04-01/Accounts/${sid}/Messages/MM1/Media/ME1`, config, loopback);
    expect(media).toEqual({ data: Buffer.from([0x89, 0x50, 0x4e, 0x47]), contentType: 'image/png' });
    expect(await twilioAdapter.fetchMedia?.('https://cdn.example/x.png', config, loopback)).toBeNull();
  });
});
