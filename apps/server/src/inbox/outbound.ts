import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { messages, type Attachment, type Executor } from '@switchboard/db';
import { addJob, firstJobOf } from '../queue/enqueue';
import { deliverJobKey, deliveryJob, TASKS } from '../queue/names';

export interface OutboundInput {
  workspaceId: string;
  conversationId: string;
  channelId: string;
  author: 'bot' | 'agent' | 'system';
  authorUserId?: string | null;
  text: string;
  mediaUrl?: string;
  /** Files of the media store (see media/link-uploads.ts), sent after any `mediaUrl`. */
  attachments?: Attachment[];
  quickReplies?: string[];
  /** Provider extras for the adapter: `whatsappTemplate`, `subject`, `inReplyTo`. */
  meta?: Record<string, unknown>;
  runId?: string;
  /** An internal note: stored and shown to the team, never sent. */
  private?: boolean;
}

/** What a message's content columns hold for `input`. */
export function outboundContent(input: Pick<OutboundInput, 'text' | 'mediaUrl' | 'attachments' | 'quickReplies' | 'meta'>) {
  return {
    text: input.text,
    attachments: [...(input.mediaUrl ? [{ url: input.mediaUrl }] : []), ...(input.attachments ?? [])],
    quickReplies: input.quickReplies?.length ? input.quickReplies : null,
    meta: input.meta ?? {},
  };
}

/** A queued outbound message: its id, and `sent` for a note (never delivered), else `queued`. */
export type QueuedOutbound = { id: string; status: 'queued' | 'sent' };

/**
 * Stores an outbound message and, in the same statement, the job that delivers it (the deliver
 * stage, pipeline/deliver.ts): the message exists if and only if its delivery is scheduled. Private
 * notes are stored as sent and get no job. The caller publishes `message.created` after its
 * transaction commits (see publish.ts).
 */
export async function queueOutboundMessage(tx: Executor, input: OutboundInput): Promise<QueuedOutbound> {
  const isPrivate = input.private ?? false;
  const id = randomUUID();
  const status = isPrivate ? 'sent' : 'queued';
  const insert = tx
    .insert(messages)
    .values({
      id,
      workspaceId: input.workspaceId,
      conversationId: input.conversationId,
      channelId: input.channelId,
      direction: 'out',
      author: input.author,
      authorUserId: input.authorUserId ?? null,
      ...outboundContent(input),
      private: isPrivate,
      status,
      runId: input.runId ?? null,
    })
    .returning({ id: messages.id });
  // A person answering ends the customer's wait; bot replies and notes do not.
  const answered = input.author === 'agent' && !isPrivate;
  // The message, the conversation's stamps and the delivery job: data-modifying CTEs always run.
  await tx.execute(sql`
    with message as (${insert.getSQL()}), touched as (
      update conversations set last_message_at = greatest(last_message_at, now()), updated_at = now()
        ${answered ? sql`, waiting_since = null, waiting_for_person_since = null` : sql``}
      where id = ${input.conversationId} and workspace_id = ${input.workspaceId}
    )
    select ${isPrivate ? sql`null` : addJob(TASKS.deliverMessage, { messageId: id }, { ...deliveryJob(input.conversationId, id), ...firstJobOf(deliverJobKey(id)) })} from message`);
  return { id, status };
}
