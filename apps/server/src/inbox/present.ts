import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { channels, contacts, conversations, messages, users, type Executor } from '@switchboard/db';
import { placeOf, presentAttachment, type AttachmentView, type MediaLinks } from '../media/attachment-view';

type MessageRow = typeof messages.$inferSelect;

export interface MessageView {
  id: string;
  conversationId: string;
  direction: 'in' | 'out';
  author: string;
  authorUser: { id: string; name: string } | null;
  text: string;
  attachments: AttachmentView[];
  /** A place a flow sent, with a link that opens it in a maps app. */
  location?: { latitude: number; longitude: number; name?: string; address?: string; mapUrl: string };
  quickReplies: string[] | null;
  private: boolean;
  status: string;
  error: string | null;
  clientId: string | null;
  createdAt: string;
}

/** `links` signs links to stored files: pass it only where the reader may see this message. */
export function presentMessage(row: MessageRow, authorName?: string | null, links?: MediaLinks): MessageView {
  return {
    id: row.id,
    conversationId: row.conversationId,
    direction: row.direction,
    author: row.author,
    authorUser: row.authorUserId ? { id: row.authorUserId, name: authorName ?? '' } : null,
    text: row.text,
    attachments: row.attachments.map((a) => presentAttachment(a, links)),
    ...placeOf(row.meta),
    quickReplies: row.quickReplies ?? null,
    private: row.private,
    status: row.status,
    error: row.error,
    clientId: row.clientId,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Messages with their author's name, in the order given by `where`/`order`. */
export async function loadMessages(
  db: Executor,
  where: SQL | undefined,
  options: { limit?: number; newestFirst?: boolean; links?: MediaLinks } = {},
) {
  const rows = await db
    .select({ message: messages, authorName: users.name })
    .from(messages)
    .leftJoin(users, eq(users.id, messages.authorUserId))
    .where(where)
    .orderBy(options.newestFirst ? desc(messages.createdAt) : messages.createdAt, options.newestFirst ? desc(messages.id) : messages.id)
    .limit(options.limit ?? 1000);
  return rows.map((r) => presentMessage(r.message, r.authorName, options.links));
}

export interface ConversationView {
  id: string;
  status: string;
  priority: string;
  handledBy: string;
  assignee: { id: string; name: string } | null;
  teamId: string | null;
  channel: { id: string; type: string; name: string };
  contact: { id: string; name: string | null; email: string | null; phone: string | null };
  lastMessage: { text: string; direction: string; author: string; createdAt: string } | null;
  lastMessageAt: string | null;
  waitingSince: string | null;
  /** No flow answered (or it was handed off) and no person has replied yet. */
  waitingForPersonSince: string | null;
  createdAt: string;
}

/** The sort key of the inbox list; conversations opened by a flow may have no message yet. */
export const conversationSortKey = sql`coalesce(${conversations.lastMessageAt}, ${conversations.createdAt})`;

/** Conversation list items (the shape of the inbox list, the detail and `conversation.updated`). */
export async function loadConversations(db: Executor, where: SQL | undefined, limit = 1000) {
  const rows = await db
    .select({
      conversation: conversations,
      sortKey: sql<string>`${conversationSortKey}::text`,
      assigneeName: users.name,
      channel: { id: channels.id, type: channels.type, name: channels.name },
      contact: { id: contacts.id, name: contacts.name, email: contacts.email, phone: contacts.phone },
    })
    .from(conversations)
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .leftJoin(users, eq(users.id, conversations.assigneeId))
    .where(where)
    .orderBy(sql`${conversationSortKey} desc`, desc(conversations.id))
    .limit(limit);
  const ids = rows.map((r) => r.conversation.id);
  const last = new Map<string, { text: string; direction: string; author: string; createdAt: Date }>();
  if (ids.length) {
    const lastRows = await db
      .selectDistinctOn([messages.conversationId], {
        conversationId: messages.conversationId,
        text: messages.text,
        direction: messages.direction,
        author: messages.author,
        createdAt: messages.createdAt,
      })
      .from(messages)
      .where(and(inArray(messages.conversationId, ids), eq(messages.private, false)))
      .orderBy(messages.conversationId, desc(messages.createdAt), desc(messages.id));
    for (const row of lastRows) last.set(row.conversationId, row);
  }
  return rows.map((r) => {
    const c = r.conversation;
    const lastMessage = last.get(c.id);
    const view: ConversationView = {
      id: c.id,
      status: c.status,
      priority: c.priority,
      handledBy: c.handledBy,
      assignee: c.assigneeId ? { id: c.assigneeId, name: r.assigneeName ?? '' } : null,
      teamId: c.teamId,
      channel: r.channel,
      contact: r.contact,
      lastMessage: lastMessage
        ? {
            text: lastMessage.text.slice(0, 280),
            direction: lastMessage.direction,
            author: lastMessage.author,
            createdAt: lastMessage.createdAt.toISOString(),
          }
        : null,
      lastMessageAt: c.lastMessageAt?.toISOString() ?? null,
      waitingSince: c.waitingSince?.toISOString() ?? null,
      waitingForPersonSince: c.waitingForPersonSince?.toISOString() ?? null,
      createdAt: c.createdAt.toISOString(),
    };
    return { view, sortKey: r.sortKey, workspaceId: c.workspaceId };
  });
}

export async function loadConversation(db: Executor, workspaceId: string, id: string): Promise<ConversationView | null> {
  const [row] = await loadConversations(db, and(eq(conversations.workspaceId, workspaceId), eq(conversations.id, id)), 1);
  return row?.view ?? null;
}
