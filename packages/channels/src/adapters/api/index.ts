import { z } from 'zod';
import { channelDefinitions } from '../../definitions';
import { callProvider, field } from '../../http';
import { parseWith, readJson } from '../../inbound-body';
import { sha256Header, verifySha256Header } from '../../signatures';
import type { ChannelAdapter, InboundEvent } from '../../types';
import { ApiConfig } from './config';

export const SIGNATURE_HEADER = 'x-switchboard-signature';

const ApiStatus = z.object({
  type: z.literal('status'),
  id: z.string().min(1),
  status: z.enum(['sent', 'delivered', 'read', 'failed']),
  error: z.string().optional(),
});

const ApiMessage = z.object({
  type: z.literal('message').optional(),
  id: z.string().min(1),
  from: z.union([z.string().min(1), z.number()]).transform(String),
  text: z.string(),
  name: z.string().optional(),
  email: z.string().optional(),
  phone: z.string().optional(),
  attachments: z.array(z.object({ url: z.string(), contentType: z.string().optional() })).optional(),
  quickReply: z.string().optional(),
  timestamp: z.iso.datetime({ offset: true }).optional(),
});

/**
 * The generic channel for anything we have no adapter for: JSON in and out, each direction signed
 * with `X-Switchboard-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>`.
 */
export const apiAdapter: ChannelAdapter<ApiConfig> = {
  ...channelDefinitions.api,
  configSchema: ApiConfig,

  verify: (req, config) => verifySha256Header(req.headers[SIGNATURE_HEADER], config.secret, req.rawBody, 'X-Switchboard-Signature'),

  parseInbound(req): InboundEvent[] {
    const raw = readJson(req);
    if (field(raw, 'type') === 'status') {
      const status = parseWith(ApiStatus, raw, 'API status callback');
      return [
        { kind: 'status', providerMessageId: status.id, status: status.status, ...(status.error !== undefined && { error: status.error }) },
      ];
    }
    const { id, from, text, name, email, phone, attachments, quickReply, timestamp } = parseWith(ApiMessage, raw, 'API channel message');
    return [
      {
        kind: 'message',
        providerMessageId: id,
        externalId: from,
        text,
        attachments: attachments ?? [],
        timestamp: timestamp ? new Date(timestamp) : new Date(),
        ...(name !== undefined && { name }),
        ...(email !== undefined && { email }),
        ...(phone !== undefined && { phone }),
        ...(quickReply !== undefined && { quickReply }),
      },
    ];
  },

  async send(msg, config, opts) {
    const body = JSON.stringify({
      id: msg.id,
      to: msg.to,
      text: msg.text,
      ...(msg.mediaUrl !== undefined && { mediaUrl: msg.mediaUrl }),
      ...(msg.attachments?.length && { attachments: msg.attachments }),
      ...(msg.location && { location: msg.location }),
      ...(msg.quickReplies?.length && { quickReplies: msg.quickReplies }),
    });
    const response = await callProvider({
      provider: 'API callback',
      url: config.callbackUrl,
      headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: sha256Header(config.secret, body) },
      body,
      ...opts,
      describeError: (error) => {
        const message = field(error, 'error', 'message') ?? field(error, 'error') ?? field(error, 'message');
        return typeof message === 'string' ? { message } : {};
      },
    });
    // The receiver may name its own id for later status callbacks; otherwise ours is the key.
    const theirs = field(response.body, 'id');
    return { providerMessageId: typeof theirs === 'string' && theirs ? theirs : msg.id, status: 'sent' };
  },
};
