import { z } from 'zod';
import { channelDefinitions } from '../../definitions';
import { parseWith, readJson } from '../../inbound-body';
import { refused } from '../../signatures';
import type { ChannelAdapter } from '../../types';
import { WebchatConfig } from './config';

const WidgetMessage = z.object({
  id: z.string().min(1),
  from: z.union([z.string().min(1), z.number()]).transform(String),
  text: z.string(),
  name: z.string().optional(),
  email: z.string().optional(),
});

/**
 * Website chat. The server's widget routes authenticate sessions and push replies over SSE, so
 * there is no provider: send only acknowledges. The channel webhook refuses every request: posting
 * there would let anyone speak as any visitor, bypassing the widget's token and identity checks.
 */
export const webchatAdapter: ChannelAdapter<WebchatConfig> = {
  ...channelDefinitions.webchat,
  configSchema: WebchatConfig,
  verify: () => refused('Website chat messages arrive only through the widget routes (/widget/:channelId/messages)'),
  parseInbound(req) {
    const body = parseWith(WidgetMessage, readJson(req), 'widget message');
    return [
      {
        kind: 'message',
        providerMessageId: body.id,
        externalId: body.from,
        text: body.text,
        attachments: [],
        timestamp: new Date(),
        ...(body.name !== undefined && { name: body.name }),
        ...(body.email !== undefined && { email: body.email }),
      },
    ];
  },
  send: async (msg) => ({ providerMessageId: msg.id, status: 'delivered' }),
};
