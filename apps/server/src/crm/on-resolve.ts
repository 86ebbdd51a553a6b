/**
 * With the workspace setting crm.logTranscriptOnResolve on, a conversation being resolved pushes
 * its whole transcript: to HubSpot when the workspace has the credential "hubspot", and to the CRM
 * webhook when one is set. Recorded in the resolving transaction, keyed by the conversation and
 * this resolution, so a retried request, job or crash never pushes the same resolution twice.
 */
import { and, eq, sql } from 'drizzle-orm';
import { contactEvents, conversations, workspaces, type Executor } from '@switchboard/db';
import { findCredential } from '../services/credentials';
import { recordCrmPush } from './record-push';
import { crmSettingsOf } from './settings';
import { loadTranscript } from './transcript';

/** Call before the conversation's status is changed to resolved, in the same transaction. */
export async function pushTranscriptOnResolve(
  tx: Executor,
  input: { workspaceId: string; conversationId: string; resolvedAt: Date; actor?: string },
): Promise<number> {
  const [row] = await tx
    .select({ status: conversations.status, contactId: conversations.contactId, settings: workspaces.settings })
    .from(conversations)
    .innerJoin(workspaces, eq(workspaces.id, conversations.workspaceId))
    .where(and(eq(conversations.id, input.conversationId), eq(conversations.workspaceId, input.workspaceId)));
  // Only a conversation becoming resolved: saying "resolved" again is no new resolution.
  if (!row || row.status === 'resolved') return 0;
  await completeLoggedTranscripts(tx, input.workspaceId, input.conversationId);
  const crm = crmSettingsOf(row.settings);
  if (!crm.logTranscriptOnResolve) return 0;
  const base = {
    workspaceId: input.workspaceId,
    contactId: row.contactId,
    conversationId: input.conversationId,
    actor: input.actor ?? 'system',
  };
  const key = `resolved:${input.conversationId}:${input.resolvedAt.getTime()}`;
  let recorded = 0;
  if (await findCredential(tx, input.workspaceId, 'hubspot')) {
    if (
      await recordCrmPush(tx, {
        ...base,
        target: 'hubspot',
        request: { title: 'Conversation transcript (resolved)' },
        dedupeKey: `${key}:hubspot`,
      })
    )
      recorded++;
  }
  if (crm.webhookUrl) {
    if (
      await recordCrmPush(tx, {
        ...base,
        target: 'webhook',
        request: { url: crm.webhookUrl, headers: {}, title: 'Conversation transcript (resolved)' },
        dedupeKey: `${key}:webhook`,
      })
    )
      recorded++;
  }
  return recorded;
}

/**
 * A transcript the crm step logged mid-conversation is completed when the conversation is
 * resolved: the timeline keeps the whole conversation, not the part before the step.
 */
async function completeLoggedTranscripts(tx: Executor, workspaceId: string, conversationId: string): Promise<void> {
  const logged = and(
    eq(contactEvents.workspaceId, workspaceId),
    eq(contactEvents.kind, 'transcript'),
    sql`${contactEvents.data}->>'conversationId' = ${conversationId}`,
  );
  const [any] = await tx.select({ id: contactEvents.id }).from(contactEvents).where(logged).limit(1);
  if (!any) return;
  const lines = await loadTranscript(tx, workspaceId, conversationId);
  await tx
    .update(contactEvents)
    .set({ data: sql`${contactEvents.data} || ${JSON.stringify({ messages: lines })}::jsonb` })
    .where(logged);
}
