/**
 * With the workspace setting crm.logTranscriptOnResolve on, a conversation being resolved pushes
 * its whole transcript: to HubSpot when the workspace has the credential "hubspot", and to the CRM
 * webhook when one is set. Recorded in the resolving transaction, keyed by the conversation and
 * this resolution, so a retried request, job or crash never pushes the same resolution twice.
 */
import { and, eq } from 'drizzle-orm';
import { conversations, workspaces, type Executor } from '@switchboard/db';
import { findCredential } from '../services/credentials';
import { recordCrmPush } from './record-push';
import { crmSettingsOf } from './settings';

/** Call before the conversation's status is changed to resolved, in the same transaction. */
export async function pushTranscriptOnResolve(tx: Executor, input: { workspaceId: string; conversationId: string; resolvedAt: Date; actor?: string }): Promise<number> {
  const [row] = await tx
    .select({ status: conversations.status, contactId: conversations.contactId, settings: workspaces.settings })
    .from(conversations)
    .innerJoin(workspaces, eq(workspaces.id, conversations.workspaceId))
    .where(and(eq(conversations.id, input.conversationId), eq(conversations.workspaceId, input.workspaceId)));
  // Only a conversation becoming resolved: saying "resolved" again is no new resolution.
  if (!row || row.status === 'resolved') return 0;
  const crm = crmSettingsOf(row.settings);
  if (!crm.logTranscriptOnResolve) return 0;
  const base = { workspaceId: input.workspaceId, contactId: row.contactId, conversationId: input.conversationId, actor: input.actor ?? 'system' };
  const key = `resolved:${input.conversationId}:${input.resolvedAt.getTime()}`;
  let recorded = 0;
  if (await findCredential(tx, input.workspaceId, 'hubspot')) {
    if (await recordCrmPush(tx, { ...base, target: 'hubspot', request: { title: 'Conversation transcript (resolved)' }, dedupeKey: `${key}:hubspot` })) recorded++;
  }
  if (crm.webhookUrl) {
    if (await recordCrmPush(tx, { ...base, target: 'webhook', request: { url: crm.webhookUrl, headers: {}, title: 'Conversation transcript (resolved)' }, dedupeKey: `${key}:webhook` })) recorded++;
  }
  return recorded;
}
