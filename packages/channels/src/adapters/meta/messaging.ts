import { z } from 'zod';
import { InboundParseError, ProviderError } from '../../errors';
import { field } from '../../http';
import { parseWith, readJson, sortByTimestamp } from '../../inbound-body';
import { splitText, utf16Units, utf8Bytes } from '../../split-text';
import { mediaKind, outboundMedia, withLocationText } from '../../outbound-media';
import type {
  ChannelAdapter,
  InboundAttachment,
  InboundEvent,
  OutboundAttachment,
  OutboundMessage,
  SendOptions,
  SendResult,
} from '../../types';
import type { MetaPageConfig } from './config';
import { graphPost, GRAPH_VERSION } from './graph';
import { hubHandshake, verifyHubSignature } from './webhook';

const Attachment = z.looseObject({
  type: z.string(),
  payload: z.looseObject({ url: z.string().optional() }).nullish(),
});

const MessagingEvent = z.looseObject({
  sender: z.looseObject({ id: z.string() }),
  recipient: z.looseObject({ id: z.string() }),
  timestamp: z.number(),
  message: z
    .looseObject({
      mid: z.string(),
      text: z.string().optional(),
      attachments: z.array(Attachment).optional(),
      quick_reply: z.looseObject({ payload: z.string() }).optional(),
      is_echo: z.boolean().optional(),
      is_deleted: z.boolean().optional(),
    })
    .optional(),
  postback: z.looseObject({ mid: z.string().optional(), title: z.string().optional(), payload: z.string().optional() }).optional(),
  delivery: z.looseObject({ mids: z.array(z.string()).optional(), watermark: z.number() }).optional(),
  read: z.looseObject({ watermark: z.number().optional(), mid: z.string().optional() }).optional(),
});
type MessagingEvent = z.infer<typeof MessagingEvent>;

const Envelope = z.looseObject({
  object: z.string(),
  entry: z.array(z.looseObject({ id: z.string(), messaging: z.array(z.unknown()).optional() })),
});

interface Flavour {
  type: 'messenger' | 'instagram';
  provider: string;
  /** `object` of the webhook payload. */
  object: 'page' | 'instagram';
  /** Text limit of one message, and how the platform measures it. */
  textLimit: number;
  measure: (text: string) => number;
}

export const messengerFlavour: Flavour = { type: 'messenger', provider: 'Messenger', object: 'page', textLimit: 2000, measure: utf16Units };
// Instagram counts bytes, not characters: 1,000 bytes of UTF-8.
export const instagramFlavour: Flavour = {
  type: 'instagram',
  provider: 'Instagram',
  object: 'instagram',
  textLimit: 1000,
  measure: utf8Bytes,
};

type MetaAdapterCore = Pick<ChannelAdapter<MetaPageConfig>, 'verify' | 'handshake' | 'parseInbound' | 'send'>;

/** Messenger and Instagram messaging share the webhook shape and the Send API; `flavour` holds the differences. */
export function metaMessagingAdapter(flavour: Flavour): MetaAdapterCore {
  return {
    verify: (req, config) => verifyHubSignature(req, config.appSecret),
    handshake: (req, config) => hubHandshake(req, config.verifyToken),
    parseInbound(req) {
      const envelope = parseWith(Envelope, readJson(req), `${flavour.provider} webhook`);
      if (envelope.object !== flavour.object) {
        throw new InboundParseError(`expected object "${flavour.object}", got "${envelope.object}"`);
      }
      const events: InboundEvent[] = [];
      for (const entry of envelope.entry) {
        for (const raw of entry.messaging ?? []) {
          // One odd event (an optin, a referral) must not make Meta redeliver the whole batch.
          const parsed = MessagingEvent.safeParse(raw);
          if (parsed.success) events.push(...toEvents(parsed.data));
        }
      }
      return sortByTimestamp(events);
    },
    send: (msg, config, opts) => sendMessages(flavour, msg, config, opts),
  };
}

function toEvents(event: MessagingEvent): InboundEvent[] {
  const timestamp = new Date(event.timestamp);
  const externalId = event.sender.id;
  const { message, postback, delivery, read } = event;
  if (message) {
    if (message.is_echo || message.is_deleted) return [];
    return [
      {
        kind: 'message',
        providerMessageId: message.mid,
        externalId,
        text: message.text ?? '',
        attachments: (message.attachments ?? []).flatMap(toAttachment),
        timestamp,
        ...(message.quick_reply && { quickReply: message.quick_reply.payload }),
      },
    ];
  }
  if (postback) {
    const payload = postback.payload ?? postback.title ?? '';
    return [
      {
        kind: 'message',
        providerMessageId: postback.mid ?? `postback:${externalId}:${event.timestamp}`,
        externalId,
        text: postback.title ?? payload,
        attachments: [],
        timestamp,
        quickReply: payload,
      },
    ];
  }
  if (delivery) {
    if (delivery.mids?.length) {
      return delivery.mids.map((mid) => ({ kind: 'status', providerMessageId: mid, status: 'delivered', timestamp }));
    }
    return [{ kind: 'watermark', externalId, status: 'delivered', timestamp: new Date(delivery.watermark) }];
  }
  if (read) {
    // Instagram names the message read; Messenger gives only a watermark.
    if (read.mid) return [{ kind: 'status', providerMessageId: read.mid, status: 'read', timestamp }];
    return [{ kind: 'watermark', externalId, status: 'read', timestamp: new Date(read.watermark ?? event.timestamp) }];
  }
  return []; // reactions, referrals, optins: nothing for the inbox
}

const broadTypes: Record<string, string> = { image: 'image/*', video: 'video/*', audio: 'audio/*' };

function toAttachment(attachment: z.infer<typeof Attachment>): InboundAttachment[] {
  const url = attachment.payload?.url;
  if (!url) return [];
  const contentType = broadTypes[attachment.type];
  return [{ url, ...(contentType && { contentType }) }];
}

/** By the file's MIME type when known (a PDF is a `file`), else by the link's extension. */
function attachmentKind(file: OutboundAttachment): 'image' | 'video' | 'audio' | 'file' {
  if (!file.contentType) return attachmentType(file.url);
  const kind = mediaKind(file);
  return kind === 'document' ? 'file' : kind;
}

function attachmentType(url: string): 'image' | 'video' | 'audio' | 'file' {
  const path = url.split(/[?#]/)[0]!.toLowerCase();
  if (/\.(jpe?g|png|gif|webp)$/.test(path)) return 'image';
  if (/\.(mp4|mov|m4v|webm)$/.test(path)) return 'video';
  if (/\.(mp3|m4a|aac|ogg|oga|wav)$/.test(path)) return 'audio';
  return /\.[a-z0-9]{2,5}$/.test(path) ? 'file' : 'image';
}

/**
 * The Send API takes one text or one attachment per call, so a message with an image is two
 * calls, and text over the limit is split at word boundaries into several (never truncated: the
 * customer gets every word). Quick replies ride on the last call, whose id is returned.
 */
async function sendMessages(
  flavour: Flavour,
  msg: OutboundMessage,
  config: MetaPageConfig,
  opts: SendOptions | undefined,
): Promise<SendResult> {
  let routing: Record<string, string>;
  if (msg.windowOpen) routing = { messaging_type: 'RESPONSE' };
  else if (msg.humanAgent) routing = { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' };
  else {
    throw new ProviderError(
      `${flavour.provider} allows only a person's reply (within 7 days) more than 24 hours after the customer last wrote; the bot cannot send this`,
      { retryable: false, providerCode: 'window_closed' },
    );
  }
  const bodies: Record<string, unknown>[] = [];
  for (const file of outboundMedia(msg)) {
    bodies.push({ attachment: { type: attachmentKind(file), payload: { url: file.url, is_reusable: true } } });
  }
  // No location message on Messenger or Instagram: the place goes as a map link.
  const text = withLocationText(msg.text, msg.location);
  if (text) for (const part of splitText(text, flavour.textLimit, flavour.measure)) bodies.push({ text: part });
  if (bodies.length === 0) throw new ProviderError('nothing to send: the message has no text and no media', { retryable: false });
  if (msg.quickReplies?.length) {
    const last = bodies.at(-1)!;
    // Quick replies need a text message to ride on; titles are cut at Meta's 20 characters.
    if (!('text' in last)) bodies.push({ text: '…' });
    bodies.at(-1)!.quick_replies = msg.quickReplies.slice(0, 13).map((choice) => ({
      content_type: 'text',
      title: Array.from(choice).slice(0, 20).join(''),
      payload: choice,
    }));
  }

  const version = config.apiVersion ?? GRAPH_VERSION;
  let messageId: unknown;
  for (const message of bodies) {
    const response = await graphPost(
      flavour.provider,
      config.baseUrl,
      `/${version}/me/messages`,
      config.pageAccessToken,
      { recipient: { id: msg.to }, ...routing, message },
      opts,
    );
    messageId = field(response, 'message_id');
  }
  if (typeof messageId !== 'string') throw new ProviderError(`${flavour.provider} answered without a message_id`, { retryable: false });
  return { providerMessageId: messageId, status: 'sent' };
}
