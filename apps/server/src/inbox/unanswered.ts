/**
 * The workspace default for a message nothing answers: no flow took it and no person has replied
 * yet. The customer hears once when to expect a person ("Thanks for your message! We usually reply
 * within 15 minutes.") and the conversation counts as waiting for a person in the inbox (the
 * unread badge, the tab title, browser notifications) until a person answers.
 */
import { sql } from 'drizzle-orm';
import type { WorkspaceSettings } from '@switchboard/db';
import { replyTimeText } from '@switchboard/flow';
import type { AppDeps } from '../context';
import { queueOutboundMessage } from './outbound';
import { publishConversationUpdated, publishMessageCreated } from './publish';

/** The owner's choice in Settings: whether to send the message, and its words (null: the default). */
export interface UnansweredSettings {
  enabled: boolean;
  text: string | null;
}

export function unansweredSettings(settings: WorkspaceSettings): UnansweredSettings {
  const saved = settings.unanswered as Partial<UnansweredSettings> | undefined;
  return { enabled: saved?.enabled ?? true, text: typeof saved?.text === 'string' && saved.text.trim() ? saved.text : null };
}

/** The default words, from the expected reply time in Settings. */
export function defaultUnansweredText(expectedReplyMinutes: unknown): string {
  const within = replyTimeText(expectedReplyMinutes);
  return within
    ? `Thanks for your message! We usually reply ${within}.`
    : 'Thanks for your message! A person will reply as soon as they can.';
}

/**
 * Marks the conversation waiting for a person and, the first time only, sends the reply-time
 * message. The mark is the "once": a conversation already waiting gets nothing more, and a retried
 * job finds it set. Nothing happens when a person has replied since the conversation was last
 * resolved (they are in the conversation) or the conversation is closed. The message speaks for
 * the workspace's automation, so it is sent only where live flows answer messages: a workspace
 * without any is a plain inbox, and its conversations are only marked.
 */
export async function answerUnanswered(
  deps: Pick<AppDeps, 'db' | 'events' | 'logger' | 'activeFlows'>,
  target: { workspaceId: string; conversationId: string; messageId?: string },
): Promise<boolean> {
  const automated = (await deps.activeFlows.get(target.workspaceId)).some((flow) => flow.trigger.type === 'trigger.message_received');
  const sent = await deps.db.transaction(async (tx) => {
    const marked = await tx.execute<{ channel_id: string; settings: WorkspaceSettings }>(sql`
      update conversations c
      -- Since the message nothing answered: the inbox counts it as unread, with those after it.
      set waiting_for_person_since = coalesce((select m.created_at from messages m where m.id = ${target.messageId ?? null}::uuid and m.conversation_id = c.id), now()),
        updated_at = now()
      from workspaces w
      where c.id = ${target.conversationId} and c.workspace_id = ${target.workspaceId} and w.id = c.workspace_id
        and c.waiting_for_person_since is null and c.status in ('open', 'pending')
        and not exists (
          select 1 from messages m
          where m.conversation_id = c.id and m.author = 'agent' and not m.private
            and m.created_at > coalesce(c.resolved_at, '-infinity'::timestamptz)
        )
      returning c.channel_id, w.settings`);
    const row = marked.rows[0];
    if (!row) return null;
    const choice = unansweredSettings(row.settings ?? {});
    if (!choice.enabled || !automated) return { messageId: null };
    const text = choice.text ?? defaultUnansweredText(row.settings?.expectedReplyMinutes);
    const message = await queueOutboundMessage(tx, {
      workspaceId: target.workspaceId,
      conversationId: target.conversationId,
      channelId: row.channel_id,
      author: 'bot',
      text,
    });
    return { messageId: message.id };
  });
  if (!sent) return false;
  if (sent.messageId) await publishMessageCreated(deps, sent.messageId);
  await publishConversationUpdated(deps, target.workspaceId, target.conversationId);
  return true;
}
