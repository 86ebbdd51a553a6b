import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inboundRequest, verifyContext } from '../../testing/inbound';
import { startStandIn, type StandIn } from '../../testing/stand-in';
import type { OutboundMessage } from '../../types';
import { telegramAdapter } from './index';
import { loopback } from '../../testing/egress';

const base = { botToken: '123456:ABC-def_GHI', secretToken: 'tg-secret_token-1' };
const url = 'https://sb.example/webhooks/channels/ch_tg';
let telegram: StandIn;
let counter = 0;
const config = () => ({ ...base, baseUrl: telegram.baseUrl });
const fail = (status: number, description: string, parameters?: object) => ({
  status,
  json: { ok: false, error_code: status, description, ...(parameters && { parameters }) },
});

beforeAll(async () => {
  // Plays the Bot API: token in the path, JSON in, {ok, result} or {ok:false, error_code, description} out.
  telegram = await startStandIn((req) => {
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(req.path);
    if (file) {
      if (file[1] !== base.botToken) return { status: 404, body: 'Not Found' };
      return file[2] === 'photos/file_7.jpg'
        ? { headers: { 'content-type': 'image/jpeg' }, body: Buffer.from([0xff, 0xd8, 0xff]) }
        : { status: 404, body: 'Not Found' };
    }
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(req.path);
    if (!match || match[1] !== base.botToken) return fail(401, 'Unauthorized');
    const body = req.json<Record<string, any>>();
    if (body.chat_id === 'blocked') return fail(403, 'Forbidden: bot was blocked by the user');
    const result = { message_id: ++counter, chat: { id: Number(body.chat_id), type: 'private' }, date: 1767000000 };
    if (match[2] === 'sendMessage') {
      if (!body.text) return fail(400, 'Bad Request: message text is empty');
      if (body.text.length > 4096) return fail(400, 'Bad Request: message is too long');
      return { json: { ok: true, result: { ...result, text: body.text } } };
    }
    if (match[2] === 'setWebhook') {
      if (!/^https:\/\//.test(body.url ?? '')) return fail(400, 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook');
      return { json: { ok: true, result: true, description: 'Webhook was set' } };
    }
    if (match[2] === 'getFile') {
      if (body.file_id !== 'large') return fail(400, 'Bad Request: invalid file_id');
      return { json: { ok: true, result: { file_id: 'large', file_unique_id: 'l', file_size: 3, file_path: 'photos/file_7.jpg' } } };
    }
    if (match[2] === 'sendPhoto') {
      if ((body.caption ?? '').length > 1024) return fail(400, 'Bad Request: message caption is too long');
      return { json: { ok: true, result: { ...result, photo: [{ file_id: 'AgAD' }] } } };
    }
    return fail(404, 'Not Found: method not found');
  });
});
afterAll(() => telegram.close());
beforeEach(() => telegram.reset());

const update = (body: object, secret: string | null = base.secretToken) =>
  inboundRequest({ url, headers: secret ? { 'X-Telegram-Bot-Api-Secret-Token': secret } : {}, body });
const from = { id: 5550001, is_bot: false, first_name: 'Ivan', last_name: 'Petrov', username: 'ivanp' };
const chat = { id: 5550001, type: 'private' };

describe('telegram webhook', () => {
  it('checks the secret token header', () => {
    const body = { update_id: 1, message: { message_id: 1, from, chat, date: 1767000000, text: 'hi' } };
    expect(telegramAdapter.verify(update(body), base, verifyContext())).toEqual({ ok: true });
    expect(telegramAdapter.verify(update(body, 'tg-secret_token-2'), base, verifyContext())).toMatchObject({ ok: false, status: 403 });
    expect(telegramAdapter.verify(update(body, null), base, verifyContext())).toMatchObject({ ok: false, status: 401 });
  });

  it('parses a text message with update_id as the provider id', () => {
    const body = { update_id: 900001, message: { message_id: 17, from, chat, date: 1767000000, text: 'Have you got gluten-free?' } };
    expect(telegramAdapter.parseInbound(update(body), base)).toEqual([
      {
        kind: 'message',
        providerMessageId: '900001',
        externalId: '5550001',
        name: 'Ivan Petrov',
        text: 'Have you got gluten-free?',
        attachments: [],
        timestamp: new Date(1767000000_000),
      },
    ]);
  });

  it('parses a photo (largest size) with caption, and an edited message', () => {
    const photo = [
      { file_id: 'small', file_unique_id: 's', width: 90, height: 90 },
      { file_id: 'large', file_unique_id: 'l', width: 1280, height: 1280 },
    ];
    const [photoEvent] = telegramAdapter.parseInbound(
      update({ update_id: 2, message: { message_id: 2, from, chat, date: 1767000000, photo, caption: 'this design' } }),
      base,
    );
    expect(photoEvent).toMatchObject({ text: 'this design', attachments: [{ url: 'tg-file:large', contentType: 'image/jpeg' }] });
    const [edited] = telegramAdapter.parseInbound(
      update({ update_id: 3, edited_message: { message_id: 1, from, chat, date: 1767000000, edit_date: 1767000100, text: 'fixed' } }),
      base,
    );
    expect(edited).toMatchObject({ providerMessageId: '3', text: 'fixed', timestamp: new Date(1767000100_000) });
  });

  it('parses a callback query as a quick reply, and ignores bots and other updates', () => {
    const body = {
      update_id: 4,
      callback_query: { id: 'cb1', from, message: { message_id: 9, chat, date: 1767000000 }, chat_instance: 'x', data: 'size_8' },
    };
    expect(telegramAdapter.parseInbound(update(body), base)).toEqual([
      expect.objectContaining({ externalId: '5550001', text: 'size_8', quickReply: 'size_8' }),
    ]);
    expect(
      telegramAdapter.parseInbound(
        update({ update_id: 5, message: { message_id: 1, from: { ...from, is_bot: true }, chat, date: 1, text: 'x' } }),
        base,
      ),
    ).toEqual([]);
    expect(telegramAdapter.parseInbound(update({ update_id: 6, my_chat_member: {} }), base)).toEqual([]);
    expect(() => telegramAdapter.parseInbound(update({ message: {} }), base)).toThrow(/update_id/);
  });
});

describe('telegram send', () => {
  const msg: OutboundMessage = { id: 'msg_1', to: '5550001', text: 'Yes, we have gluten-free cupcakes.', windowOpen: true };

  it('calls sendMessage with the token in the path and a reply keyboard', async () => {
    const result = await telegramAdapter.send({ ...msg, quickReplies: ['Order', 'Prices'] }, config(), loopback);
    expect(result).toEqual({ providerMessageId: `5550001:${counter}`, status: 'sent' });
    expect(telegram.requests[0]?.path).toBe(`/bot${base.botToken}/sendMessage`);
    expect(telegram.requests[0]?.json()).toEqual({
      chat_id: '5550001',
      text: msg.text,
      reply_markup: { keyboard: [[{ text: 'Order' }], [{ text: 'Prices' }]], one_time_keyboard: true, resize_keyboard: true },
    });
  });

  it('calls sendPhoto with the text as caption', async () => {
    await telegramAdapter.send({ ...msg, mediaUrl: 'https://cdn.example/cupcake.jpg' }, config(), loopback);
    expect(telegram.requests.map((r) => [r.path.split('/').pop(), r.json()])).toEqual([
      ['sendPhoto', { chat_id: '5550001', photo: 'https://cdn.example/cupcake.jpg', caption: msg.text }],
    ]);
  });

  it('splits text over 4,096 characters', async () => {
    await telegramAdapter.send({ ...msg, text: 'cake '.repeat(1000).trim() }, config(), loopback);
    expect(telegram.requests).toHaveLength(2);
    expect(telegram.requests.every((r) => r.json().text.length <= 4096)).toBe(true);
  });

  it('maps errors: 403 blocked is final, 429 retry_after, 500 retryable', async () => {
    await expect(telegramAdapter.send({ ...msg, to: 'blocked' }, config(), loopback)).rejects.toMatchObject({
      retryable: false,
      status: 403,
      message: expect.stringContaining('bot was blocked by the user'),
    });
    telegram.failNext(fail(429, 'Too Many Requests: retry after 5', { retry_after: 5 }));
    await expect(telegramAdapter.send(msg, config(), loopback)).rejects.toMatchObject({
      retryable: true,
      status: 429,
      retryAfterMs: 5000,
      providerCode: '429',
    });
    telegram.failNext({ status: 502, body: '<html>Bad Gateway</html>' });
    await expect(telegramAdapter.send(msg, config(), loopback)).rejects.toMatchObject({ retryable: true, status: 502 });
    const wrong = await telegramAdapter.send(msg, { ...config(), botToken: '1:wrong' }, loopback).catch((e: Error) => e);
    expect(wrong).toMatchObject({ retryable: false, status: 401 });
    expect((wrong as Error).message).not.toContain('1:wrong');
  });
});

describe('telegram setup and media', () => {
  it('registers the webhook with the secret token and the updates we read', async () => {
    await telegramAdapter.connect?.(config(), 'https://sb.example/webhooks/channels/ch_tg', loopback);
    expect(telegram.requests[0]?.path).toBe(`/bot${base.botToken}/setWebhook`);
    expect(telegram.requests[0]?.json()).toEqual({
      url: 'https://sb.example/webhooks/channels/ch_tg',
      secret_token: base.secretToken,
      allowed_updates: ['message', 'edited_message', 'callback_query'],
    });
    await expect(telegramAdapter.connect?.(config(), 'http://insecure.example/hook', loopback)).rejects.toMatchObject({
      retryable: false,
      message: expect.stringContaining('An HTTPS URL must be provided'),
    });
  });

  it('downloads a tg-file: attachment through getFile', async () => {
    const media = await telegramAdapter.fetchMedia?.('tg-file:large', config(), loopback);
    expect(media).toEqual({ data: Buffer.from([0xff, 0xd8, 0xff]), contentType: 'image/jpeg' });
    expect(await telegramAdapter.fetchMedia?.('https://example.com/x.jpg', config(), loopback)).toBeNull();
    await expect(telegramAdapter.fetchMedia?.('tg-file:gone', config(), loopback)).rejects.toMatchObject({
      retryable: false,
      message: expect.stringContaining('invalid file_id'),
    });
  });
});
