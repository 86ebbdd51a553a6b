import { and, desc, eq, isNull, type SQL } from 'drizzle-orm';
import { channels, contactIdentities, contacts, conversations, type Executor } from '@switchboard/db';
import { z } from 'zod';
import { DomainError } from '../domain-errors';
import { matchablePhone, phoneHint } from '../inbox/contact-keys';
import { upsertContactIdentity } from '../inbox/contacts';
import { openConversation } from '../inbox/open-conversation';

/**
 * DESIGN §5: whom a webhook-started flow talks to. Email matches lower-cased; phone in E.164, where a
 * number without its country code needs `country` (ISO 3166 alpha-2). Only verified contact fields
 * match: a visitor's typed details (`attributes.typed_email`) never do.
 */
export const ContactSelector = z.union([
  z.object({ id: z.string().uuid() }).strict(),
  z.object({ channelId: z.string().uuid(), externalId: z.string().trim().min(1).max(200), name: z.string().max(200).optional() }).strict(),
  z
    .object({
      phone: z.string().trim().min(3).max(40),
      country: z
        .string()
        .regex(/^[A-Za-z]{2}$/, 'an ISO 3166 country code such as GB')
        .optional(),
    })
    .strict(),
  z.object({ email: z.string().trim().toLowerCase().email().max(254) }).strict(),
]);
export type ContactSelector = z.infer<typeof ContactSelector>;

export interface SelectedContact {
  contactId: string;
  conversationId: string | null;
}

/** The E.164 form of a phone selector; a 400 naming `contact.phone` when it cannot be read. */
export function selectorPhone(selector: { phone: string; country?: string | undefined }): string {
  const phone = matchablePhone(selector.phone, selector.country);
  if (!phone)
    throw new DomainError('validation_failed', `contact.phone: ${phoneHint(selector.country)}`, [
      { field: 'contact.phone', message: phoneHint(selector.country) },
    ]);
  return phone;
}

/** Two contacts share the key: picking one could message the wrong person. */
export const ambiguousContact = (key: string) =>
  new DomainError(
    'ambiguous_contact',
    `More than one contact has this ${key}: select the contact by {"id": ...} or merge the duplicates first`,
    [{ field: `contact.${key}`, message: 'matches more than one contact' }],
  );

/**
 * Finds (or, for a channel identity, creates) the contact and the conversation to talk
 * in. A proactive message to someone with no conversation opens one on their channel.
 */
export async function resolveContactSelector(tx: Executor, workspaceId: string, selector: ContactSelector): Promise<SelectedContact> {
  if ('channelId' in selector) return byChannelIdentity(tx, workspaceId, selector);
  let where: SQL;
  if ('id' in selector) where = eq(contacts.id, selector.id);
  else if ('phone' in selector) where = eq(contacts.phone, selectorPhone(selector));
  else where = eq(contacts.email, selector.email);
  const matches = await tx
    .select({ id: contacts.id })
    .from(contacts)
    .where(and(eq(contacts.workspaceId, workspaceId), isNull(contacts.deletedAt), where))
    .limit(2);
  const contact = matches[0];
  if (!contact) throw new DomainError('not_found', `No contact matches ${JSON.stringify(selector)} in this workspace`);
  if (matches.length > 1) throw ambiguousContact('phone' in selector ? 'phone' : 'email');
  return { contactId: contact.id, conversationId: await latestOrOpenConversation(tx, workspaceId, contact.id) };
}

async function byChannelIdentity(
  tx: Executor,
  workspaceId: string,
  selector: { channelId: string; externalId: string; name?: string | undefined },
) {
  const channel = await findChannel(tx, workspaceId, selector.channelId);
  if (!channel) throw new DomainError('not_found', 'contact.channelId: no such channel in this workspace');
  const { contactId } = await upsertContactIdentity(tx, workspaceId, channel.id, { externalId: selector.externalId, name: selector.name });
  const conversation = await openConversation(tx, channel, contactId);
  return { contactId, conversationId: conversation.id };
}

async function latestOrOpenConversation(tx: Executor, workspaceId: string, contactId: string): Promise<string | null> {
  const [latest] = await tx
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.contactId, contactId), eq(conversations.workspaceId, workspaceId)))
    .orderBy(desc(conversations.lastMessageAt), desc(conversations.createdAt))
    .limit(1);
  if (latest) return latest.id;
  // Never talked: open a conversation on the channel they were last seen on, if any.
  const [identity] = await tx
    .select({ channelId: contactIdentities.channelId })
    .from(contactIdentities)
    .where(eq(contactIdentities.contactId, contactId))
    .orderBy(desc(contactIdentities.createdAt))
    .limit(1);
  const channel = identity && (await findChannel(tx, workspaceId, identity.channelId));
  return channel ? (await openConversation(tx, channel, contactId)).id : null;
}

async function findChannel(tx: Executor, workspaceId: string, channelId: string) {
  const [channel] = await tx
    .select({ id: channels.id, workspaceId: channels.workspaceId, type: channels.type })
    .from(channels)
    .where(and(eq(channels.id, channelId), eq(channels.workspaceId, workspaceId), isNull(channels.deletedAt)));
  return channel;
}
