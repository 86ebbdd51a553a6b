import { channelDefinitions } from '../../definitions';
import type { ChannelAdapter } from '../../types';
import { hubHandshake, verifyHubSignature } from '../meta/webhook';
import { WhatsAppConfig } from './config';
import { parseWhatsAppInbound } from './parse';
import { fetchWhatsAppMedia, sendWhatsApp } from './send';
import { fetchWhatsAppTemplates } from './templates';
import { whatsappSignal } from './read-receipts';

/** WhatsApp Business through Meta's Cloud API. */
export const whatsappAdapter: ChannelAdapter<WhatsAppConfig> = {
  ...channelDefinitions.whatsapp,
  configSchema: WhatsAppConfig,
  verify: (req, config) => verifyHubSignature(req, config.appSecret),
  handshake: (req, config) => hubHandshake(req, config.verifyToken),
  parseInbound: (req, config) => parseWhatsAppInbound(req, config.phoneNumberId),
  send: (msg, config, opts) => sendWhatsApp(msg, config, opts),
  fetchMedia: (url, config, opts) => fetchWhatsAppMedia(url, config, opts),
  syncTemplates: (config, opts) => fetchWhatsAppTemplates(config, opts),
  signal: (config, signal, opts) => whatsappSignal(config, signal, opts),
};
