import { and, desc, eq, isNull } from 'drizzle-orm';
import { channels, contactIdentities, contacts, conversations, type Executor } from '@switchboard/db';
import { z } from 'zod';
import { ApiError } from '../http/errors';

/** DESIGN §5: whom a webhook-started flow talks to. */
export const ContactSelector = z.union([
  z.object({ id: z.string().uuid() }).strict(),
  z.object({ channelId: z.string().uuid(), externalId: z.string().trim().min(1).max(200), name: z.string().max(200).optional() }).strict(),
  z.object({ phone: z.string().trim().min(3).max(40) }).strict(),
  z.object({ email: z.string().trim().toLowerCase().email().max(254) }).strict(),
]);
export type ContactSelector = z.infer<typeof ContactSelector>;

export interface SelectedContact {
  contactId: string;
  conversationId: string | null;
}

/**
 * Finds (or, for a channel identity, creates) the contact and the conversation to talk
 * in. A proactive message to someone with no conversation opens one on their channel.
 */
export async function resolveContactSelector(tx: Executor, workspaceId: string, selector: ContactSelector): Promise<SelectedContact> {
  if ('channelId' in selector) return byChannelIdentity(tx, workspaceId, selector);
  const where =
    'id' in selector ? eq(contacts.id, selector.id) : 'phone' in selector ? eq(contacts.phone, selector.phone) : eq(contacts.email, selector.email);
  const [contact] = await tx
    .select({ id: contacts.id })
    .from(contacts)
    .where(and(eq(contacts.workspaceId, workspaceId), isNull(contacts.deletedAt), where))
    .orderBy(desc(contacts.updatedAt))
    .limit(1);
  if (!contact) throw new ApiError(404, 'not_found', `No contact matches ${JSON.stringify(selector)} in this workspace`);
  return { contactId: contact.id, conversationId: await latestOrOpenConversation(tx, workspaceId, contact.id) };
}

async function byChannelIdentity(tx: Executor, workspaceId: string, selector: { channelId: string; externalId: string; name?: string | undefined }) {
  const [channel] = await tx
    .select({ id: channels.id })
    .from(channels)
    .where(and(eq(channels.id, selector.channelId), eq(channels.workspaceId, workspaceId), isNull(channels.deletedAt)));
  if (!channel) throw new ApiError(404, 'not_found', 'contact.channelId: no such channel in this workspace');
  const [identity] = await tx
    .select({ contactId: contactIdentities.contactId })
    .from(contactIdentities)
    .where(and(eq(contactIdentities.channelId, channel.id), eq(contactIdentities.externalId, selector.externalId)));
  let contactId = identity?.contactId;
  if (!contactId) {
    const [created] = await tx.insert(contacts).values({ workspaceId, name: selector.name ?? null }).returning({ id: contacts.id });
    contactId = created!.id;
    await tx.insert(contactIdentities).values({ workspaceId, contactId, channelId: channel.id, externalId: selector.externalId }).onConflictDoNothing();
  }
  const [open] = await tx
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.contactId, contactId), eq(conversations.channelId, channel.id)))
    .orderBy(desc(conversations.createdAt))
    .limit(1);
  if (open) return { contactId, conversationId: open.id };
  const [created] = await tx.insert(conversations).values({ workspaceId, contactId, channelId: channel.id, status: 'open' }).returning({ id: conversations.id });
  return { contactId, conversationId: created!.id };
}

async function latestOrOpenConversation(tx: Executor, workspaceId: string, contactId: string): Promise<string | null> {
  const [latest] = await tx
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.contactId, contactId), eq(conversations.workspaceId, workspaceId)))
    .orderBy(desc(conversations.lastMessageAt), desc(conversations.createdAt))
    .limit(1);
  if (latest) return latest.id;
  const [identity] = await tx
    .select({ channelId: contactIdentities.channelId })
    .from(contactIdentities)
    .where(eq(contactIdentities.contactId, contactId))
    .orderBy(desc(contactIdentities.createdAt))
    .limit(1);
  if (!identity) return null;
  const [created] = await tx.insert(conversations).values({ workspaceId, contactId, channelId: identity.channelId, status: 'open' }).returning({ id: conversations.id });
  return created!.id;
}
