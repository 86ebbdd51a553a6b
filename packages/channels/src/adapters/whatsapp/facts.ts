import { defineChannel } from '../../facts';
import { WhatsAppConfig } from './config';

const verifyHelp = "Any word you choose; paste the same in Meta's webhook settings.";

export const whatsappFacts = defineChannel({
  type: 'whatsapp',
  config: WhatsAppConfig,
  label: 'WhatsApp',
  icon: 'messages-square',
  blurb: 'WhatsApp Business (Cloud API)',
  setupHelp: 'In Meta for Developers: WhatsApp → Configuration → Webhook → Callback URL (use your verify token).',
  secretFields: ['accessToken', 'appSecret'],
  outsideWindow: 'template',
  form: {
    phoneNumberId: { label: 'Phone number ID', help: 'Meta for Developers → WhatsApp → API setup.' },
    accessToken: { label: 'Access token' },
    appSecret: { label: 'App secret', help: 'App settings → Basic.' },
    verifyToken: { label: 'Verify token', help: verifyHelp },
    sendRatePerSecond: { label: 'Broadcast messages per second', help: 'Default 50; Meta takes up to 80 per number.', placeholder: '50' },
    businessAccountId: {
      label: 'WhatsApp Business Account ID',
      help: 'WhatsApp Manager → Account tools; needed to sync message templates.',
    },
    apiVersion: { label: 'API version', placeholder: 'v21.0' },
  },
});
