import { sql } from 'drizzle-orm';
import { contactEvents, type Executor, type WorkspaceSettings } from '@switchboard/db';
import type { AppDeps } from '../context';
import { queueOutboundMessage } from '../inbox/outbound';
import { publishConversationUpdated, publishMessageCreated } from '../inbox/publish';
import { CONSENT_CHANNEL_TYPES, confirmationText, consentKeyword, type ConsentWords } from './keywords';

export interface KeywordMessage {
  workspaceId: string;
  conversationId: string;
  messageId: string;
  contactId: string;
  channelId: string;
}

export type ConsentFound = NonNullable<ReturnType<typeof consentKeyword>>;

/**
 * The route stage's consent check: STOP or START (or one of the workspace's own words) on a channel
 * where that means consent; null for any other message.
 */
export function consentKeywordOn(text: string, channelType: string, settings: WorkspaceSettings): ConsentFound | null {
  if (!CONSENT_CHANNEL_TYPES.has(channelType)) return null;
  return consentKeyword(text, (settings.consent ?? {}) as ConsentWords);
}

/**
 * Records a consent keyword in the routing transaction `tx` (which claimed the message): the
 * opt-out (or its lifting), any run waiting for the customer's reply ended, and the confirmation
 * queued. Returns the confirmation's message id, to publish once `tx` commits.
 */
export async function recordConsent(tx: Executor, message: KeywordMessage, found: ConsentFound, workspaceName: string): Promise<string> {
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
  const confirmation = await queueOutboundMessage(tx, {
    workspaceId: message.workspaceId,
    conversationId: message.conversationId,
    channelId: message.channelId,
    author: 'system',
    text: confirmationText(found.action, workspaceName),
  });
  return confirmation.id;
}

/** Tells the live inbox about a committed confirmation. */
export async function publishConfirmation(
  deps: Pick<AppDeps, 'events' | 'logger' | 'db'>,
  message: KeywordMessage,
  confirmationId: string,
) {
  await publishMessageCreated(deps, confirmationId)
    .then(() => publishConversationUpdated(deps, message.workspaceId, message.conversationId))
    .catch((err: unknown) => deps.logger.warn({ err: (err as Error).message }, 'live inbox update not published'));
}
