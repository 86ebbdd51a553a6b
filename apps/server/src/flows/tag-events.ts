import { desc, eq } from 'drizzle-orm';
import { conversations, type Executor } from '@switchboard/db';
import { enqueue } from '../queue/enqueue';
import { conversationQueue } from '../queue/names';

export interface TagAddedEvent {
  workspaceId: string;
  contactId: string;
  /** The conversation a started flow talks in; the contact's latest when not given. */
  conversationId?: string | null;
  tags: string[];
  /** The run that added the tags, so it does not restart its own flow. */
  sourceRunId?: string;
}

/**
 * Queues the `trigger.tag_added` routing for tags just added to a contact, by a flow or a
 * person, in the caller's transaction, ordered with the conversation's other events.
 */
export async function enqueueTagAdded(tx: Executor, event: TagAddedEvent): Promise<void> {
  if (!event.tags.length) return;
  const conversationId = event.conversationId !== undefined ? event.conversationId : await latestConversation(tx, event.contactId);
  await enqueue(
    tx,
    'route_event',
    {
      kind: 'tag_added',
      workspaceId: event.workspaceId,
      contactId: event.contactId,
      conversationId,
      tags: event.tags,
      ...(event.sourceRunId ? { sourceRunId: event.sourceRunId } : {}),
    },
    { queueName: conversationId ? conversationQueue(conversationId) : `contact:${event.contactId}` },
  );
}

async function latestConversation(tx: Executor, contactId: string): Promise<string | null> {
  const [latest] = await tx
    .select({ id: conversations.id })
    .from(conversations)
    .where(eq(conversations.contactId, contactId))
    .orderBy(desc(conversations.lastMessageAt))
    .limit(1);
  return latest?.id ?? null;
}
