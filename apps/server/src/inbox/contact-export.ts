import { and, asc, eq, isNull } from 'drizzle-orm';
import { channels, contactEvents, contactIdentities, contacts, conversations, messages, type Executor } from '@switchboard/db';

/** The export's format name: a reader can tell which shape it holds. */
export const CONTACT_EXPORT_FORMAT = 'switchboard.contact-export.v1';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * Everything the workspace holds about one contact (right of access / portability): the contact,
 * the provider identities that link it to channels, every conversation with every message (texts,
 * attachments metadata, quick replies, internal notes), and the timeline. Null when the contact is
 * not in the workspace or was erased. Every read is scoped by the workspace as well as by the id.
 */
export async function exportContact(db: Executor, workspaceId: string, contactId: string, now = new Date()) {
  const [contact] = await db
    .select()
    .from(contacts)
    .where(and(eq(contacts.id, contactId), eq(contacts.workspaceId, workspaceId), isNull(contacts.erasedAt)));
  if (!contact) return null;

  const identities = await db
    .select({
      channelId: contactIdentities.channelId,
      channelType: channels.type,
      channelName: channels.name,
      externalId: contactIdentities.externalId,
      createdAt: contactIdentities.createdAt,
    })
    .from(contactIdentities)
    .innerJoin(channels, eq(channels.id, contactIdentities.channelId))
    .where(and(eq(contactIdentities.contactId, contactId), eq(contactIdentities.workspaceId, workspaceId)))
    .orderBy(asc(contactIdentities.createdAt));
  const threads = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.contactId, contactId), eq(conversations.workspaceId, workspaceId)))
    .orderBy(asc(conversations.createdAt));
  const rows = await db
    .select()
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(and(eq(conversations.contactId, contactId), eq(conversations.workspaceId, workspaceId), eq(messages.workspaceId, workspaceId)))
    .orderBy(asc(messages.createdAt), asc(messages.id));
  const events = await db
    .select()
    .from(contactEvents)
    .where(and(eq(contactEvents.contactId, contactId), eq(contactEvents.workspaceId, workspaceId)))
    .orderBy(asc(contactEvents.createdAt), asc(contactEvents.id));

  const byThread = new Map<string, (typeof rows)[number]['messages'][]>();
  for (const { messages: m } of rows) {
    const list = byThread.get(m.conversationId);
    if (list) list.push(m);
    else byThread.set(m.conversationId, [m]);
  }
  return {
    format: CONTACT_EXPORT_FORMAT,
    exportedAt: now.toISOString(),
    contact: {
      id: contact.id,
      name: contact.name,
      email: contact.email,
      phone: contact.phone,
      attributes: contact.attributes,
      tags: contact.tags,
      createdAt: iso(contact.createdAt),
      updatedAt: iso(contact.updatedAt),
      deletedAt: iso(contact.deletedAt),
    },
    identities: identities.map((i) => ({ ...i, createdAt: iso(i.createdAt) })),
    conversations: threads.map((t) => ({
      id: t.id,
      channelId: t.channelId,
      status: t.status,
      priority: t.priority,
      assigneeId: t.assigneeId,
      teamId: t.teamId,
      createdAt: iso(t.createdAt),
      lastMessageAt: iso(t.lastMessageAt),
      resolvedAt: iso(t.resolvedAt),
      messages: (byThread.get(t.id) ?? []).map((m) => ({
        id: m.id,
        direction: m.direction,
        author: m.author,
        authorUserId: m.authorUserId,
        // Internal notes are part of what is held about the person, so they are exported too.
        note: m.private,
        text: m.text,
        attachments: m.attachments,
        quickReplies: m.quickReplies,
        subject: typeof m.meta.subject === 'string' ? m.meta.subject : undefined,
        status: m.status,
        createdAt: iso(m.createdAt),
      })),
    })),
    events: events.map((e) => ({ id: e.id, kind: e.kind, data: e.data, actor: e.actor, createdAt: iso(e.createdAt) })),
  };
}
