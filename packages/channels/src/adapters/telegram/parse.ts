import { z } from 'zod';
import { parseWith, readJson, unixSeconds } from '../../inbound-body';
import type { InboundAttachment, InboundEvent, InboundMessageEvent, InboundRequest } from '../../types';

const User = z.looseObject({
  id: z.number(),
  is_bot: z.boolean().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
});
const FileRef = z.looseObject({ file_id: z.string(), mime_type: z.string().optional() });
const Message = z.looseObject({
  message_id: z.number(),
  from: User.optional(),
  chat: z.looseObject({ id: z.number(), type: z.string() }),
  date: z.number(),
  edit_date: z.number().optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  photo: z.array(z.looseObject({ file_id: z.string(), width: z.number().optional(), height: z.number().optional() })).optional(),
  document: FileRef.optional(),
  video: FileRef.optional(),
  voice: FileRef.optional(),
  audio: FileRef.optional(),
  sticker: FileRef.optional(),
  contact: z.looseObject({ phone_number: z.string(), user_id: z.number().optional() }).optional(),
});
type Message = z.infer<typeof Message>;

const Update = z.looseObject({
  update_id: z.number(),
  message: Message.optional(),
  edited_message: Message.optional(),
  callback_query: z.looseObject({ id: z.string(), from: User, message: Message.optional(), data: z.string().optional() }).optional(),
});

const fallbackTypes = { video: 'video/mp4', voice: 'audio/ogg', audio: 'audio/mpeg', sticker: 'image/webp', document: undefined } as const;

/**
 * One Update is one event. The update_id is the dedupe key (message ids repeat across chats), and
 * the chat id is the address replies go to (equal to the user id in a private chat).
 */
export function parseTelegramUpdate(req: InboundRequest): InboundEvent[] {
  const update = parseWith(Update, readJson(req), 'Telegram update');
  const providerMessageId = String(update.update_id);
  const message = update.message ?? update.edited_message;
  if (message) {
    if (message.from?.is_bot) return [];
    return [toMessage(providerMessageId, message, unixSeconds(message.edit_date ?? message.date))];
  }
  const query = update.callback_query;
  if (query) {
    const data = query.data ?? '';
    return [
      {
        kind: 'message',
        providerMessageId,
        externalId: String(query.message?.chat.id ?? query.from.id),
        text: data,
        quickReply: data,
        attachments: [],
        // A button tap carries no date of its own; Telegram delivers it as it happens.
        timestamp: new Date(),
        ...nameOf(query.from),
      },
    ];
  }
  return []; // channel posts, membership changes, polls: not conversations
}

function toMessage(providerMessageId: string, message: Message, timestamp: Date): InboundMessageEvent {
  const attachments: InboundAttachment[] = [];
  // Photo sizes come smallest first; the last is the original.
  const photo = message.photo?.at(-1);
  if (photo) attachments.push({ url: `tg-file:${photo.file_id}`, contentType: 'image/jpeg' });
  for (const kind of Object.keys(fallbackTypes) as (keyof typeof fallbackTypes)[]) {
    const file = message[kind];
    const contentType = file?.mime_type ?? fallbackTypes[kind];
    if (file) attachments.push({ url: `tg-file:${file.file_id}`, ...(contentType && { contentType }) });
  }
  // A shared contact card is the customer's own number only when it names them.
  const phone = message.contact && message.contact.user_id === message.from?.id ? message.contact.phone_number : undefined;
  return {
    kind: 'message',
    providerMessageId,
    externalId: String(message.chat.id),
    text: message.text ?? message.caption ?? '',
    attachments,
    timestamp,
    ...(message.from && nameOf(message.from)),
    ...(phone && { phone: phone.startsWith('+') ? phone : `+${phone}` }),
  };
}

function nameOf(user: z.infer<typeof User>): { name?: string } {
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ');
  return name ? { name } : {};
}
