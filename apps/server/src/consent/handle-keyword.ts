import { sql } from 'drizzle-orm';
import { contactEvents, type WorkspaceSettings } from '@switchboard/db';
import type { AppDeps } from '../context';
import { queueOutboundMessage } from '../inbox/outbound';
import { publishConversationUpdated, publishMessageCreated } from '../inbox/publish';
import { CONSENT_CHANNEL_TYPES, confirmationText, consentKeyword, mightBeKeyword, type ConsentWords } from './keywords';

export interface KeywordMessage {
  workspaceId: string;
  conversationId: string;
  messageId: string;
  contactId: string;
  channelId: string;
}

/**
 * The route stage's consent check. When the inbound message is STOP or START (or one of the
 * workspace's words) on a channel where that means consent, it records the opt-out (or lifts it),
 * ends any run waiting for the customer's reply, queues the confirmation and marks the message
 * routed, all in one transaction; the caller then starts no flow. False for any other message,
 * which costs no query unless the text is short enough to be a keyword.
 */
export async function handleConsentKeyword(
  deps: Pick<AppDeps, 'db' | 'events' | 'logger'>,
  message: KeywordMessage,
  text: string,
  channelType: string,
): Promise<boolean> {
  if (!CONSENT_CHANNEL_TYPES.has(channelType) || !mightBeKeyword(text)) return false;
  const { rows } = await deps.db.execute<{ name: string; settings: WorkspaceSettings }>(
    sql`select name, settings from workspaces where id = ${message.workspaceId}`,
  );
  const workspace = rows[0];
  if (!workspace) return false;
  const found = consentKeyword(text, (workspace.settings.consent ?? {}) as ConsentWords);
  if (!found) return false;

  const confirmation = await deps.db.transaction(async (tx) => {
    const claimed = await tx.execute(
      sql`update messages set routed_at = now() where id = ${message.messageId} and routed_at is null and direction = 'in' returning id`,
    );
    if (claimed.rows.length === 0) return null;
    if (found.action === 'stop') {
      await tx.execute(sql`
        insert into contact_opt_outs (workspace_id, contact_id, channel_id, keyword)
        values (${message.workspaceId}, ${message.contactId}, ${message.channelId}, ${found.keyword})
        on conflict (contact_id, channel_id) do update set keyword = excluded.keyword, opted_out_at = now()`);
      // A question left waiting would otherwise send its timeout message to someone who said stop.
      await tx.execute(sql`
        with ended as (
          update workflow_runs set status = 'cancelled', error = ${`The contact opted out (they sent ${found.keyword})`}, finished_at = now(), updated_at = now()
          where conversation_id = ${message.conversationId} and workspace_id = ${message.workspaceId} and status = 'waiting'
          returning id
        )
        update run_waits set resolved_at = now() where run_id in (select id from ended) and resolved_at is null`);
    } else {
      await tx.execute(
        sql`delete from contact_opt_outs where contact_id = ${message.contactId} and channel_id = ${message.channelId} and workspace_id = ${message.workspaceId}`,
      );
    }
    await tx.insert(contactEvents).values({
      workspaceId: message.workspaceId,
      contactId: message.contactId,
      kind: found.action === 'stop' ? 'opted_out' : 'opted_in',
      data: { channelId: message.channelId, keyword: found.keyword },
    });
    return queueOutboundMessage(tx, {
      workspaceId: message.workspaceId,
      conversationId: message.conversationId,
      channelId: message.channelId,
      author: 'system',
      text: confirmationText(found.action, workspace.name),
    });
  });
  if (confirmation) {
    await publishMessageCreated(deps, confirmation.id)
      .then(() => publishConversationUpdated(deps, message.workspaceId, message.conversationId))
      .catch((err: unknown) => deps.logger.warn({ err: (err as Error).message }, 'live inbox update not published'));
  }
  return true;
}
