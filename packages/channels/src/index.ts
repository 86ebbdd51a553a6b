import { apiAdapter } from './adapters/api';
import { emailAdapter } from './adapters/email';
import { instagramAdapter } from './adapters/instagram';
import { messengerAdapter } from './adapters/messenger';
import { telegramAdapter } from './adapters/telegram';
import { twilioAdapter } from './adapters/twilio';
import { webchatAdapter } from './adapters/webchat';
import { whatsappAdapter } from './adapters/whatsapp';
import type { ChannelType } from './definitions';
import type { ChannelAdapter } from './types';

export * from './definitions';
export type * from './types';
export { ProviderError, InboundParseError } from './errors';
export { parseRetryAfter } from './retry-after';
export { downloadMedia } from './download';
export { safeEqual, sha256Header } from './signatures';
export type { ApiConfig } from './adapters/api/config';
export type { EmailConfig, SmtpSettings } from './adapters/email/config';
export type { MetaPageConfig } from './adapters/meta/config';
export type { TelegramConfig } from './adapters/telegram/config';
export type { TwilioConfig } from './adapters/twilio/config';
export type { WebchatConfig } from './adapters/webchat/config';
export { WIDGET_DEFAULTS, WidgetSettings } from './adapters/webchat/config';
export type { WhatsAppConfig } from './adapters/whatsapp/config';

/** One adapter per channel type; a missing one is a compile error. */
export const adapters = {
  webchat: webchatAdapter,
  api: apiAdapter,
  twilio: twilioAdapter,
  whatsapp: whatsappAdapter,
  messenger: messengerAdapter,
  instagram: instagramAdapter,
  telegram: telegramAdapter,
  email: emailAdapter,
} satisfies Record<ChannelType, ChannelAdapter<any>>;

/** The adapter for a stored channel's type, typed loosely for callers holding `type: string`. */
export function adapterFor(type: ChannelType): ChannelAdapter<unknown> {
  return adapters[type] as ChannelAdapter<unknown>;
}
