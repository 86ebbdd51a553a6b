import type { ChannelType } from '../api/types';

export const CHANNEL_LABELS: Record<ChannelType, string> = {
  webchat: 'Website chat',
  whatsapp: 'WhatsApp',
  messenger: 'Messenger',
  instagram: 'Instagram',
  telegram: 'Telegram',
  twilio: 'SMS (Twilio)',
  email: 'Email',
  api: 'Custom (API)',
};

export const CHANNEL_ICONS: Record<ChannelType, string> = {
  webchat: '💬',
  whatsapp: '🟢',
  messenger: '🔵',
  instagram: '📸',
  telegram: '✈️',
  twilio: '📱',
  email: '✉️',
  api: '🔌',
};

export interface ConfigField {
  key: string;
  label: string;
  help?: string;
  secret?: boolean;
  optional?: boolean;
  options?: string[];
  placeholder?: string;
}

/** Config fields per channel type, from DESIGN.md §5 "Creating a channel". */
export const CHANNEL_FIELDS: Record<ChannelType, ConfigField[]> = {
  webchat: [],
  api: [{ key: 'callbackUrl', label: 'Callback address', help: 'Where Switchboard sends your replies (a signed POST).', placeholder: 'https://your-system.example/switchboard' }],
  twilio: [
    { key: 'accountSid', label: 'Account SID', help: 'In the Twilio console, on the account dashboard.' },
    { key: 'authToken', label: 'Auth token', secret: true },
    { key: 'from', label: 'Your Twilio phone number', placeholder: '+15551234567' },
  ],
  whatsapp: [
    { key: 'phoneNumberId', label: 'Phone number ID', help: 'Meta for Developers → WhatsApp → API setup.' },
    { key: 'accessToken', label: 'Access token', secret: true },
    { key: 'appSecret', label: 'App secret', secret: true, help: 'App settings → Basic.' },
    { key: 'verifyToken', label: 'Verify token', help: 'Any word you choose; paste the same in Meta\'s webhook settings.' },
    { key: 'apiVersion', label: 'API version', optional: true, placeholder: 'v21.0' },
  ],
  messenger: [
    { key: 'pageId', label: 'Facebook page ID' },
    { key: 'pageAccessToken', label: 'Page access token', secret: true },
    { key: 'appSecret', label: 'App secret', secret: true },
    { key: 'verifyToken', label: 'Verify token', help: 'Any word you choose; paste the same in Meta\'s webhook settings.' },
  ],
  instagram: [
    { key: 'pageId', label: 'Connected Facebook page ID' },
    { key: 'pageAccessToken', label: 'Page access token', secret: true },
    { key: 'appSecret', label: 'App secret', secret: true },
    { key: 'verifyToken', label: 'Verify token', help: 'Any word you choose; paste the same in Meta\'s webhook settings.' },
  ],
  telegram: [
    { key: 'botToken', label: 'Bot token', secret: true, help: 'From @BotFather in Telegram.' },
    { key: 'secretToken', label: 'Secret word', help: 'Any word you choose; Telegram sends it back so we know the message is real.' },
  ],
  email: [
    { key: 'provider', label: 'Email service', options: ['mailgun', 'sendgrid', 'smtp'] },
    { key: 'from', label: 'Send from address', placeholder: 'hello@yourshop.com' },
    { key: 'apiKey', label: 'API key (Mailgun / SendGrid)', secret: true, optional: true },
    { key: 'domain', label: 'Mailgun domain', optional: true },
    { key: 'host', label: 'SMTP server', optional: true },
    { key: 'port', label: 'SMTP port', optional: true },
    { key: 'username', label: 'SMTP user', optional: true },
    { key: 'password', label: 'SMTP password', secret: true, optional: true },
  ],
};
