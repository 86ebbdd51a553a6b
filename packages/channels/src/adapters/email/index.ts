import { channelDefinitions } from '../../definitions';
import type { ChannelAdapter } from '../../types';
import { EmailConfig } from './config';
import { parseEmailInbound, verifyMailgun, verifySecretQuery } from './inbound';
import { sendEmail } from './send';

/**
 * Email in through a Mailgun route (signed) or SendGrid Inbound Parse (secret URL); out through
 * the Mailgun or SendGrid API or any SMTP server. Message-IDs (without brackets) are the provider
 * ids in both directions, so `threadRef` of a reply names the message it answers.
 */
export const emailAdapter: ChannelAdapter<EmailConfig> = {
  ...channelDefinitions.email,
  configSchema: EmailConfig,
  verify(req, config, ctx) {
    if (config.provider === 'mailgun' && config.signingKey) return verifyMailgun(req, config.signingKey, ctx);
    return verifySecretQuery(req, config.inboundSecret);
  },
  parseInbound: (req, config) => parseEmailInbound(req, config),
  send: (msg, config, opts) => sendEmail(msg, config, opts),
};
