import { z } from 'zod';
import { ApiConfig } from './adapters/api/config';
import { EmailConfig } from './adapters/email/config';
import { InstagramConfig } from './adapters/instagram/config';
import { MessengerConfig } from './adapters/messenger/config';
import { TelegramConfig } from './adapters/telegram/config';
import { TwilioConfig } from './adapters/twilio/config';
import { WebchatConfig } from './adapters/webchat/config';
import { WhatsAppConfig } from './adapters/whatsapp/config';

// Browser-safe: zod only. The web app imports this file (`@switchboard/channels/definitions`) to
// build channel forms without pulling in nodemailer or node:crypto.

export const ChannelType = z.enum(['webchat', 'api', 'twilio', 'whatsapp', 'messenger', 'instagram', 'telegram', 'email']);
export type ChannelType = z.infer<typeof ChannelType>;

export const channelConfigSchemas = {
  webchat: WebchatConfig,
  api: ApiConfig,
  twilio: TwilioConfig,
  whatsapp: WhatsAppConfig,
  messenger: MessengerConfig,
  instagram: InstagramConfig,
  telegram: TelegramConfig,
  email: EmailConfig,
} satisfies Record<ChannelType, z.ZodType>;

export type ChannelConfigs = { [T in ChannelType]: z.infer<(typeof channelConfigSchemas)[T]> };

/**
 * What the channel allows more than 24 hours after the customer last wrote: anything (`free`), an
 * approved template only (`template`), or a person's reply within 7 days (`human_agent`).
 * Twilio is `free` for SMS and `template` for WhatsApp senders: see `requiresTemplateFor`.
 */
export type OutsideWindow = 'free' | 'template' | 'human_agent';

export interface ChannelDefinition<T extends ChannelType = ChannelType> {
  type: T;
  label: string;
  secretFields: readonly (keyof ChannelConfigs[T] & string)[];
  requiresTemplateOutsideWindow: boolean;
  outsideWindow: OutsideWindow;
}

export const channelDefinitions = {
  webchat: {
    type: 'webchat',
    label: 'Website chat',
    secretFields: ['identitySecret'],
    requiresTemplateOutsideWindow: false,
    outsideWindow: 'free',
  },
  api: {
    type: 'api',
    label: 'API',
    secretFields: ['secret'],
    requiresTemplateOutsideWindow: false,
    outsideWindow: 'free',
  },
  twilio: {
    type: 'twilio',
    label: 'SMS / WhatsApp (Twilio)',
    secretFields: ['authToken'],
    requiresTemplateOutsideWindow: false,
    outsideWindow: 'free',
  },
  whatsapp: {
    type: 'whatsapp',
    label: 'WhatsApp',
    secretFields: ['accessToken', 'appSecret'],
    requiresTemplateOutsideWindow: true,
    outsideWindow: 'template',
  },
  messenger: {
    type: 'messenger',
    label: 'Facebook Messenger',
    secretFields: ['pageAccessToken', 'appSecret'],
    requiresTemplateOutsideWindow: false,
    outsideWindow: 'human_agent',
  },
  instagram: {
    type: 'instagram',
    label: 'Instagram',
    secretFields: ['pageAccessToken', 'appSecret'],
    requiresTemplateOutsideWindow: false,
    outsideWindow: 'human_agent',
  },
  telegram: {
    type: 'telegram',
    label: 'Telegram',
    secretFields: ['botToken', 'secretToken'],
    requiresTemplateOutsideWindow: false,
    outsideWindow: 'free',
  },
  email: {
    type: 'email',
    label: 'Email',
    // `smtp` holds the SMTP password, so the whole object is secret (host and port included).
    secretFields: ['apiKey', 'signingKey', 'smtp', 'inboundSecret'],
    requiresTemplateOutsideWindow: false,
    outsideWindow: 'free',
  },
} as const satisfies { [T in ChannelType]: ChannelDefinition<T> };
