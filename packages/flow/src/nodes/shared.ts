/** Schema pieces several node configs share. Browser-safe. */
import { z } from 'zod';

export const ChannelFilter = z
  .array(z.string().min(1))
  .describe('Channels (types like "whatsapp" or specific channels); empty or "any" means all');

const WRITABLE_FIELD = /^(?:contact\.(?:name|email|phone|attributes\.[A-Za-z0-9_-]+)|vars\.[A-Za-z0-9_]+)$/;

export const WritableField = z
  .string()
  .regex(WRITABLE_FIELD, 'Choose where to save: contact.name, contact.email, contact.phone, contact.attributes.<name> or vars.<name>.');

/** Any dotted path into the flow data (`message.text`, `contact.attributes.plan`, `trigger.body.id`). */
export const ReadableField = z
  .string()
  .regex(
    /^(?:contact|conversation|message|trigger|vars|workspace)(?:\.[A-Za-z0-9_-]+)+$/,
    'Pick a field such as message.text, contact.email, contact.attributes.plan or vars.answer.',
  );

export const TagList = z.array(z.string().trim().min(1, 'A tag cannot be empty.')).min(1, 'Add at least one tag.');

export const ConversationStatus = z.enum(['open', 'pending', 'snoozed', 'resolved']);
export const Priority = z.enum(['none', 'low', 'medium', 'high', 'urgent']);

export function matchesChannel(channels: readonly string[] | undefined, event: { channelType: string; channelId: string }): boolean {
  if (!channels || channels.length === 0 || channels.includes('any')) return true;
  return channels.includes(event.channelType) || channels.includes(event.channelId);
}
