import { ProviderError } from '../../errors';
import { callProvider, field, joinUrl } from '../../http';
import type { ChatSignal, SendOptions } from '../../types';
import type { TelegramConfig } from './config';

const DEFAULT_BASE = 'https://api.telegram.org';

/**
 * `sendChatAction` with `typing` (shown for 5 seconds or until the next message). A bot cannot
 * mark a message read: nothing is sent for `read`.
 */
export async function telegramSignal(config: TelegramConfig, signal: ChatSignal, opts: SendOptions | undefined): Promise<boolean> {
  if (signal.kind !== 'typing') return false;
  const response = await callProvider({
    provider: 'Telegram',
    // The token is in the path: never put this URL in a message or a log.
    url: joinUrl(config.baseUrl || DEFAULT_BASE, `/bot${config.botToken}/sendChatAction`),
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ chat_id: signal.to, action: 'typing' }),
    ...opts,
    describeError: (body) => {
      const description = field(body, 'description');
      return typeof description === 'string' ? { message: description } : {};
    },
  });
  if (field(response.body, 'ok') !== true)
    throw new ProviderError('Telegram sendChatAction answered without ok:true', { retryable: false });
  return true;
}
