import { eq, inArray } from 'drizzle-orm';
import { conversations, messages } from '@switchboard/db';
import type { AppDeps } from '../context';
import { loadConversation, loadMessages, type MessageView } from './present';

export type InboxEventType = 'message.created' | 'message.updated' | 'conversation.updated';

type PublishDeps = Pick<AppDeps, 'db' | 'events' | 'logger'>;

// NOTIFY payloads are capped near 8 KB; the live inbox needs the gist, the thread reloads in full.
const MAX_TEXT = 2_000;

function clip(message: MessageView): MessageView & { truncated?: true } {
  return message.text.length > MAX_TEXT ? { ...message, text: message.text.slice(0, MAX_TEXT), truncated: true } : message;
}

/**
 * Publishes `message.created` / `message.updated` for messages that are committed. Call after the
 * transaction: a listener that reloads must find the rows. Never throws: the write already happened.
 */
export async function publishMessages(deps: PublishDeps, type: 'message.created' | 'message.updated', messageIds: string[]): Promise<void> {
  if (!messageIds.length) return;
  try {
    const rows = await deps.db
      .select({ id: messages.id, workspaceId: messages.workspaceId, channelId: messages.channelId, contactId: conversations.contactId })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(inArray(messages.id, messageIds));
    const views = new Map((await loadMessages(deps.db, inArray(messages.id, messageIds))).map((m) => [m.id, m]));
    for (const row of rows) {
      const message = views.get(row.id);
      if (!message) continue;
      await deps.events.publish({
        workspaceId: row.workspaceId,
        type,
        data: { conversationId: message.conversationId, channelId: row.channelId, contactId: row.contactId, message: clip(message) },
      });
    }
  } catch (err) {
    deps.logger.warn({ err, type, messageIds }, 'could not publish message event');
  }
}

export const publishMessageCreated = (deps: PublishDeps, messageId: string) => publishMessages(deps, 'message.created', [messageId]);
export const publishMessageUpdated = (deps: PublishDeps, messageId: string) => publishMessages(deps, 'message.updated', [messageId]);

/** Publishes `conversation.updated {conversation}` with the inbox list item shape. Never throws. */
export async function publishConversationUpdated(deps: PublishDeps, workspaceId: string, conversationId: string): Promise<void> {
  try {
    const conversation = await loadConversation(deps.db, workspaceId, conversationId);
    if (conversation) await deps.events.publish({ workspaceId, type: 'conversation.updated', data: { conversation } });
  } catch (err) {
    deps.logger.warn({ err, conversationId }, 'could not publish conversation event');
  }
}
