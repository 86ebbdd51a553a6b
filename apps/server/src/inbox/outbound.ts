import { and, eq, sql } from 'drizzle-orm';
import { conversations, enqueueJob, messages, type Executor } from '@switchboard/db';
import type { TASKS } from '../jobs/index';

export interface OutboundInput {
  workspaceId: string;
  conversationId: string;
  channelId: string;
  author: 'bot' | 'agent' | 'system';
  authorUserId?: string | null;
  text: string;
  mediaUrl?: string;
  quickReplies?: string[];
  /** Provider extras for the adapter: `whatsappTemplate`, `subject`, `inReplyTo`. */
  meta?: Record<string, unknown>;
  runId?: string;
  /** An internal note: stored and shown to the team, never sent. */
  private?: boolean;
}

// A type-only import keeps the flow runtime (jobs/index) out of the inbox's module graph.
export const DELIVER_MESSAGE_TASK: (typeof TASKS)['deliverMessage'] = 'deliver_message';

/** Jobs of one conversation's outbound messages run one at a time, in order. */
export const outboundQueue = (conversationId: string) => `out:${conversationId}`;
export const deliverJobKey = (messageId: string) => `deliver:${messageId}`;

export type OutboundRow = typeof messages.$inferSelect;

/** A subquery: the customer's address on the channel (their newest identity there), where replies go. */
export const customerAddress = (contactId: string, channelId: string) => sql`
  select external_id from contact_identities
  where contact_id = ${contactId} and channel_id = ${channelId}
  order by created_at desc limit 1`;

/** What a message's content columns hold for `input` (flows/commit-reply-step.ts stores replies this way too). */
export function outboundContent(input: Pick<OutboundInput, 'text' | 'mediaUrl' | 'quickReplies' | 'meta'>) {
  return {
    text: input.text,
    attachments: input.mediaUrl ? [{ url: input.mediaUrl }] : [],
    quickReplies: input.quickReplies?.length ? input.quickReplies : null,
    meta: input.meta ?? {},
  };
}

/**
 * Stores an outbound message and, in the same transaction, the job that delivers it: the message
 * exists if and only if its delivery is scheduled. An express reply has no job: its sender delivers
 * it after commit, and the sweep in jobs/express-delivery.ts if the sender died. Private notes are
 * stored as sent and get no job. The caller publishes `message.created` after its transaction commits (see publish.ts).
 */
export async function queueOutboundMessage(tx: Executor, input: OutboundInput, options: { express?: boolean } = {}): Promise<OutboundRow> {
  const isPrivate = input.private ?? false;
  const [row] = await tx
    .insert(messages)
    .values({
      workspaceId: input.workspaceId,
      conversationId: input.conversationId,
      channelId: input.channelId,
      direction: 'out',
      author: input.author,
      authorUserId: input.authorUserId ?? null,
      ...outboundContent(input),
      private: isPrivate,
      status: isPrivate ? 'sent' : 'queued',
      runId: input.runId ?? null,
    })
    .returning();
  const id = row!.id;
  // The caller sends an express reply itself right after commit (jobs/express-delivery.ts); if it
  // dies first, the sweep there gives the reply its job.
  if (!isPrivate && !options.express) {
    await enqueueJob(tx, DELIVER_MESSAGE_TASK, { messageId: id }, { queueName: outboundQueue(input.conversationId), jobKey: deliverJobKey(id) });
  }
  await tx
    .update(conversations)
    .set({
      lastMessageAt: sql`greatest(${conversations.lastMessageAt}, now())`,
      // A person answering ends the customer's wait; bot replies and notes do not.
      ...(input.author === 'agent' && !isPrivate && { waitingSince: null, waitingForPersonSince: null }),
      updatedAt: sql`now()`,
    })
    .where(and(eq(conversations.id, input.conversationId), eq(conversations.workspaceId, input.workspaceId)));
  return row!;
}
