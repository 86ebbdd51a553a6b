import { defineChannel } from '../../facts';
import { EmailConfig } from './config';

export const emailFacts = defineChannel({
  type: 'email',
  config: EmailConfig,
  label: 'Email',
  icon: 'mail',
  blurb: 'An email address',
  setupHelp: 'In your email service: the inbound route / parse webhook address.',
  // `smtp` holds the SMTP password, so the whole object is secret (host and port included).
  secretFields: ['apiKey', 'signingKey', 'smtp', 'inboundSecret'],
  outsideWindow: 'free',
  form: {
    provider: { label: 'Email service' },
    fromAddress: { label: 'Send from address', placeholder: 'hello@yourshop.com' },
    apiKey: { label: 'API key (Mailgun / SendGrid)' },
    domain: { label: 'Mailgun domain' },
    signingKey: { label: 'Mailgun webhook signing key', help: 'Mailgun → Sending → Webhooks → HTTP webhook signing key.' },
    'smtp.host': { label: 'SMTP server' },
    'smtp.port': { label: 'SMTP port', placeholder: '587' },
    'smtp.secure': { label: 'TLS from the first byte (port 465)' },
    'smtp.user': { label: 'SMTP user' },
    'smtp.pass': { label: 'SMTP password' },
  },
});
