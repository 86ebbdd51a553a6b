import { z } from 'zod';
import { InboundParseError } from '../../errors';
import { parseWith, readJson, sortByTimestamp, unixSeconds } from '../../inbound-body';
import type { InboundEvent, InboundMessageEvent, InboundRequest } from '../../types';

const Media = z.looseObject({ id: z.string(), mime_type: z.string().optional(), caption: z.string().optional() });
const Reply = z.looseObject({ id: z.string(), title: z.string() });

const WaMessage = z.looseObject({
  from: z.string(),
  id: z.string(),
  timestamp: z.string(),
  type: z.string(),
  text: z.looseObject({ body: z.string() }).optional(),
  image: Media.optional(),
  video: Media.optional(),
  audio: Media.optional(),
  document: Media.optional(),
  sticker: Media.optional(),
  interactive: z.looseObject({ button_reply: Reply.optional(), list_reply: Reply.optional() }).optional(),
  button: z.looseObject({ payload: z.string().optional(), text: z.string() }).optional(),
  location: z
    .looseObject({ latitude: z.number(), longitude: z.number(), name: z.string().optional(), address: z.string().optional() })
    .optional(),
});
type WaMessage = z.infer<typeof WaMessage>;

const WaStatus = z.looseObject({
  id: z.string(),
  status: z.string(),
  timestamp: z.string(),
  recipient_id: z.string().optional(),
  errors: z
    .array(
      z.looseObject({
        code: z.number(),
        title: z.string().optional(),
        message: z.string().optional(),
        error_data: z.looseObject({ details: z.string().optional() }).optional(),
      }),
    )
    .optional(),
});

const Value = z.looseObject({
  metadata: z.looseObject({ phone_number_id: z.string() }),
  contacts: z.array(z.looseObject({ wa_id: z.string(), profile: z.looseObject({ name: z.string().optional() }).optional() })).optional(),
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
});

const Envelope = z.looseObject({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(z.looseObject({ id: z.string(), changes: z.array(z.looseObject({ field: z.string(), value: z.unknown() })) })),
});

const mediaTypes = ['image', 'video', 'audio', 'document', 'sticker'] as const;
const ignoredTypes = new Set(['reaction', 'system', 'ephemeral', 'request_welcome']);

/**
 * Every entry, change, message and status of a (possibly batched) Cloud API notification, for
 * this channel's phone number only: one app webhook serves every number of the business.
 */
export function parseWhatsAppInbound(req: InboundRequest, phoneNumberId: string): InboundEvent[] {
  const envelope = parseWith(Envelope, readJson(req), 'WhatsApp webhook');
  const events: InboundEvent[] = [];
  for (const entry of envelope.entry) {
    for (const change of entry.changes) {
      if (change.field !== 'messages') continue;
      const value = parseWith(Value, change.value, 'WhatsApp change value');
      if (value.metadata.phone_number_id !== phoneNumberId) continue;
      const names = new Map(value.contacts?.map((c) => [c.wa_id, c.profile?.name]));
      for (const raw of value.messages ?? []) {
        const message = WaMessage.safeParse(raw);
        if (!message.success) throw new InboundParseError(`WhatsApp message: ${message.error.issues[0]?.message}`);
        const event = toMessage(message.data, names.get(message.data.from));
        if (event) events.push(event);
      }
      for (const raw of value.statuses ?? []) {
        const status = parseWith(WaStatus, raw, 'WhatsApp status');
        if (status.status !== 'sent' && status.status !== 'delivered' && status.status !== 'read' && status.status !== 'failed') continue;
        const error = status.errors?.[0];
        const detail = error && [error.title ?? error.message, error.error_data?.details].filter(Boolean).join(': ');
        events.push({
          kind: 'status',
          providerMessageId: status.id,
          status: status.status,
          timestamp: unixSeconds(status.timestamp),
          ...(error && { error: `${detail} (#${error.code})` }),
        });
      }
    }
  }
  return sortByTimestamp(events);
}

function toMessage(message: WaMessage, name: string | undefined): InboundMessageEvent | null {
  if (ignoredTypes.has(message.type)) return null;
  const event: InboundMessageEvent = {
    kind: 'message',
    providerMessageId: message.id,
    externalId: message.from,
    phone: `+${message.from}`,
    text: '',
    attachments: [],
    timestamp: unixSeconds(message.timestamp),
    ...(name && { name }),
  };
  const mediaType = mediaTypes.find((type) => type === message.type);
  const media = mediaType && message[mediaType];
  const reply = message.interactive?.button_reply ?? message.interactive?.list_reply;
  if (message.text) event.text = message.text.body;
  else if (media) {
    // Cloud API media is fetched by id (GET /{media-id} then the returned URL, with the token).
    event.attachments.push({ url: `wa-media:${media.id}`, ...(media.mime_type && { contentType: media.mime_type }) });
    event.text = media.caption ?? '';
  } else if (reply) {
    event.text = reply.title;
    event.quickReply = reply.id;
  } else if (message.button) {
    event.text = message.button.text;
    event.quickReply = message.button.payload ?? message.button.text;
  } else if (message.location) {
    const { latitude, longitude, name: place, address } = message.location;
    event.text = [place, address, `${latitude},${longitude}`].filter(Boolean).join(' · ');
  } else {
    event.text = `[${message.type} message]`;
  }
  return event;
}
