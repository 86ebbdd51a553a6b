import { and, desc, eq, sql } from 'drizzle-orm';
import { conversations, messages, type Executor } from '@switchboard/db';
import type { InboundMessageEvent } from './adapters';

/**
 * The conversation a new inbound message belongs to: one per customer and channel, reopened when
 * resolved; email threads by In-Reply-To, and a fresh email (no In-Reply-To) starts a new one.
 */
export async function openConversation(
  tx: Executor,
  channel: { id: string; workspaceId: string; type: string },
  contactId: string,
  event: Pick<InboundMessageEvent, 'threadRef' | 'providerMessageId'> = { providerMessageId: '' },
): Promise<{ id: string; created: boolean; reopened: boolean }> {
  const isEmail = channel.type === 'email';
  let found: typeof conversations.$inferSelect | undefined;
  if (isEmail && event.threadRef) {
    const [byMessage] = await tx
      .select({ conversation: conversations })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(
        and(eq(messages.channelId, channel.id), eq(messages.providerMessageId, event.threadRef), eq(conversations.contactId, contactId)),
      )
      .limit(1);
    found = byMessage?.conversation;
    if (!found) {
      [found] = await tx
        .select()
        .from(conversations)
        .where(
          and(
            eq(conversations.channelId, channel.id),
            eq(conversations.contactId, contactId),
            eq(conversations.threadRef, event.threadRef),
          ),
        )
        .limit(1);
    }
  }
  if (!found && !(isEmail && event.providerMessageId)) {
    [found] = await tx
      .select()
      .from(conversations)
      .where(and(eq(conversations.contactId, contactId), eq(conversations.channelId, channel.id)))
      .orderBy(desc(conversations.createdAt))
      .limit(1)
      .for('update');
  }
  if (found) {
    if (found.status === 'open') return { id: found.id, created: false, reopened: false };
    const reopened = found.status === 'resolved';
    await tx
      .update(conversations)
      .set({
        status: 'open',
        resolvedAt: null,
        // A customer coming back after a resolved conversation starts with the bot again.
        ...(reopened && { handledBy: 'bot' as const }),
        updatedAt: sql`now()`,
      })
      .where(eq(conversations.id, found.id));
    return { id: found.id, created: false, reopened };
  }
  const [created] = await tx
    .insert(conversations)
    .values({
      workspaceId: channel.workspaceId,
      contactId,
      channelId: channel.id,
      status: 'open',
      threadRef: isEmail ? (event.threadRef ?? event.providerMessageId) || null : null,
      lastMessageAt: sql`now()`,
    })
    .returning({ id: conversations.id });
  return { id: created!.id, created: true, reopened: false };
}
