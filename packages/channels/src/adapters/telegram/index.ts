import { channelDefinitions } from '../../definitions';
import { ProviderError } from '../../errors';
import { callProvider, field, joinUrl, type ProviderErrorDetail } from '../../http';
import { missing, refused, safeEqual, verified } from '../../signatures';
import { splitText, utf16Units } from '../../split-text';
import type { ChannelAdapter, OutboundMessage, SendOptions, SendResult } from '../../types';
import { TelegramConfig } from './config';
import { telegramLocationCall, telegramMediaCall } from './media-calls';
import { outboundMedia } from '../../outbound-media';
import { parseTelegramUpdate } from './parse';
import { telegramSignal } from './chat-action';

const DEFAULT_BASE = 'https://api.telegram.org';
const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;
const FILE_REF = 'tg-file:';
const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query'];

/** `{ok:false, error_code, description, parameters:{retry_after}}`; retry_after is in seconds. */
function describeTelegramError(body: unknown): ProviderErrorDetail {
  const description = field(body, 'description');
  const code = field(body, 'error_code');
  const retryAfter = field(body, 'parameters', 'retry_after');
  return {
    ...(typeof description === 'string' && { message: description }),
    ...(typeof code === 'number' && { code: String(code) }),
    ...(typeof retryAfter === 'number' && { retryAfterMs: retryAfter * 1000, retryable: true }),
  };
}

/** One Bot API call; answers `result`. The token is in the path: never put this URL in a message. */
async function botApi(config: TelegramConfig, method: string, body: unknown, opts: SendOptions | undefined): Promise<unknown> {
  const response = await callProvider({
    provider: 'Telegram',
    url: joinUrl(config.baseUrl || DEFAULT_BASE, `/bot${config.botToken}/${method}`),
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...opts,
    describeError: describeTelegramError,
  });
  if (field(response.body, 'ok') !== true) {
    throw new ProviderError(`Telegram ${method} answered ${response.status} without ok:true`, {
      retryable: false,
      status: response.status,
    });
  }
  return field(response.body, 'result');
}

/** Telegram bots via the Bot API webhook. No 24-hour window. */
export const telegramAdapter: ChannelAdapter<TelegramConfig> = {
  ...channelDefinitions.telegram,
  configSchema: TelegramConfig,

  verify(req, config) {
    const token = req.headers['x-telegram-bot-api-secret-token'];
    if (!token) return missing('missing X-Telegram-Bot-Api-Secret-Token header');
    return safeEqual(token, config.secretToken) ? verified : refused('X-Telegram-Bot-Api-Secret-Token does not match');
  },

  parseInbound: (req) => parseTelegramUpdate(req),
  signal: (config, signal, opts) => telegramSignal(config, signal, opts),

  async send(msg, config, opts): Promise<SendResult> {
    let result: unknown;
    for (const [method, body] of telegramCalls(msg)) result = await botApi(config, method, body, opts);
    const messageId = field(result, 'message_id');
    if (typeof messageId !== 'number') throw new ProviderError('Telegram answered without result.message_id', { retryable: false });
    // message_id is unique only within a chat; the chat makes it unique per bot.
    const chatId = field(result, 'chat', 'id') ?? msg.to;
    return { providerMessageId: `${String(chatId)}:${messageId}`, status: 'sent' };
  },

  async connect(config, webhookUrl, opts) {
    await botApi(config, 'setWebhook', { url: webhookUrl, secret_token: config.secretToken, allowed_updates: ALLOWED_UPDATES }, opts);
    return true;
  },

  async disconnect(config, opts) {
    await botApi(config, 'deleteWebhook', { drop_pending_updates: false }, opts);
  },

  async fetchMedia(url, config, opts) {
    if (!url.startsWith(FILE_REF)) return null;
    const file = await botApi(config, 'getFile', { file_id: url.slice(FILE_REF.length) }, opts);
    const path = field(file, 'file_path');
    if (typeof path !== 'string') throw new ProviderError('Telegram getFile answered without file_path', { retryable: false });
    const response = await callProvider({
      provider: 'Telegram',
      method: 'GET',
      url: joinUrl(config.baseUrl || DEFAULT_BASE, `/file/bot${config.botToken}/${path}`),
      ...opts,
      binary: true,
      describeError: describeTelegramError,
    });
    const contentType = response.headers.get('content-type');
    return { data: response.body as Buffer, ...(contentType && { contentType }) };
  },
};

/**
 * One call per file (sendPhoto, sendVideo, sendAudio or sendDocument by its type; caption up to
 * 1,024 characters), sendMessage (4,096 per message, longer text split), then sendLocation. Quick replies become a one-time reply keyboard on the last call, so a tap arrives as
 * ordinary text.
 */
export function telegramCalls(msg: OutboundMessage): [method: string, body: Record<string, unknown>][] {
  const calls: [string, Record<string, unknown>][] = [];
  let text = msg.text;
  const files = outboundMedia(msg);
  // The text rides as the first file's caption when it fits.
  const fits = files.length > 0 && text !== '' && utf16Units(text) <= CAPTION_LIMIT;
  files.forEach((file, i) => calls.push(telegramMediaCall(msg.to, file, i === 0 && fits ? text : undefined)));
  if (fits) text = '';
  if (text) for (const part of splitText(text, TEXT_LIMIT, utf16Units)) calls.push(['sendMessage', { chat_id: msg.to, text: part }]);
  if (msg.location) calls.push(telegramLocationCall(msg.to, msg.location));
  if (calls.length === 0) throw new ProviderError('nothing to send: the message has no text and no media', { retryable: false });
  if (msg.quickReplies?.length) {
    calls.at(-1)![1].reply_markup = {
      keyboard: msg.quickReplies.map((choice) => [{ text: choice }]),
      one_time_keyboard: true,
      resize_keyboard: true,
    };
  }
  return calls;
}
