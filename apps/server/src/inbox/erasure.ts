import { and, eq, inArray, isNull, or, sql, type SQLWrapper } from 'drizzle-orm';
import {
  contactEvents,
  contactIdentities,
  contacts,
  conversations,
  crmPushes,
  messages,
  runSteps,
  runWaits,
  workflowRuns,
  type Executor,
} from '@switchboard/db';
import { cancel } from '../queue/enqueue';
import { waitTimerKey } from '../queue/names';

export interface ErasureResult {
  conversations: number;
  messages: number;
  identities: number;
  events: number;
  runsCancelled: number;
}

/**
 * Erases a contact (right to erasure), inside the caller's transaction so it happens whole or not
 * at all. The contact row stays as a tombstone (runs and the audit log point at it) with every
 * personal field cleared and `erased_at` set; everything that held what the person said or who
 * they are is deleted:
 * - conversations, and with them (by cascade) every message, its text, attachments metadata,
 *   quick replies and internal notes, and the reply waits of those conversations;
 * - identities: the provider ids that linked the person to this record. A later message from the
 *   same provider id finds no identity and starts a new, empty contact;
 * - timeline events (notes, field changes with old and new values);
 * - the contact's runs are kept for the flow's statistics but stripped of their variables, trigger
 *   data and step inputs/outputs; running and waiting ones are cancelled and their timers removed.
 * No suppression list is kept: it would itself be a record of the person. Returns null when the
 * contact is not in the workspace or was erased already.
 */
export async function eraseContact(tx: Executor, workspaceId: string, contactId: string): Promise<ErasureResult | null> {
  // The row lock orders erasure against an inbound message of this contact (see pipeline/store.ts):
  // the message either lands before and is erased with the rest, or finds the contact erased.
  const [contact] = await tx
    .select({ id: contacts.id })
    .from(contacts)
    .where(and(eq(contacts.id, contactId), eq(contacts.workspaceId, workspaceId), isNull(contacts.erasedAt)))
    .for('update');
  if (!contact) return null;

  // Subqueries rather than id lists: a long-lived contact's runs would not fit in bind parameters.
  const threadIds = tx
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.contactId, contactId), eq(conversations.workspaceId, workspaceId)));
  const runsCancelled = await scrubRuns(tx, workspaceId, contactId, threadIds);
  const [counted] = await tx
    .select({ conversations: sql<number>`count(distinct ${conversations.id})::int`, messages: sql<number>`count(${messages.id})::int` })
    .from(conversations)
    .leftJoin(messages, eq(messages.conversationId, conversations.id))
    .where(and(eq(conversations.contactId, contactId), eq(conversations.workspaceId, workspaceId)));
  // Cascades to messages and their reply waits; runs keep their row with conversation_id null.
  await tx.delete(conversations).where(and(eq(conversations.contactId, contactId), eq(conversations.workspaceId, workspaceId)));
  const identities = await tx
    .delete(contactIdentities)
    .where(and(eq(contactIdentities.contactId, contactId), eq(contactIdentities.workspaceId, workspaceId)))
    .returning({ id: contactIdentities.id });
  const events = await tx
    .delete(contactEvents)
    .where(and(eq(contactEvents.contactId, contactId), eq(contactEvents.workspaceId, workspaceId)))
    .returning({ id: contactEvents.id });
  // CRM pushes hold notes and provider answers about the person; a queued one is never sent.
  await tx.delete(crmPushes).where(and(eq(crmPushes.contactId, contactId), eq(crmPushes.workspaceId, workspaceId)));
  await tx
    .update(contacts)
    .set({
      name: null,
      email: null,
      phone: null,
      attributes: {},
      tags: [],
      erasedAt: sql`now()`,
      deletedAt: sql`coalesce(${contacts.deletedAt}, now())`,
      updatedAt: sql`now()`,
    })
    .where(eq(contacts.id, contactId));
  return {
    conversations: counted?.conversations ?? 0,
    messages: counted?.messages ?? 0,
    identities: identities.length,
    events: events.length,
    runsCancelled,
  };
}

/** Cancels the contact's live runs and strips every run of it of what the person said. */
async function scrubRuns(tx: Executor, workspaceId: string, contactId: string, threadIds: SQLWrapper): Promise<number> {
  // Only flow-caused runs are indexed by contact (migration 0010); indexing every message's run too
  // would cost the hot path, so erasure, which is rare, reads the workspace's runs.
  const ofContact = and(
    eq(workflowRuns.workspaceId, workspaceId),
    or(eq(workflowRuns.contactId, contactId), inArray(workflowRuns.conversationId, threadIds)),
  );
  const runIds = tx.select({ id: workflowRuns.id }).from(workflowRuns).where(ofContact);
  const live = await tx
    .select({ id: workflowRuns.id })
    .from(workflowRuns)
    .where(and(ofContact, inArray(workflowRuns.status, ['running', 'waiting'])));
  for (const run of live) await cancel(tx, waitTimerKey(run.id));
  await tx.delete(runWaits).where(inArray(runWaits.runId, runIds));
  await tx.update(runSteps).set({ input: null, output: null, error: null }).where(inArray(runSteps.runId, runIds));
  await tx
    .update(workflowRuns)
    .set({
      variables: {},
      nodeState: null,
      resume: null,
      // The kind of trigger stays (statistics); its data (a webhook body, a message id) goes.
      trigger: sql`jsonb_build_object('kind', ${workflowRuns.trigger}->'kind')`,
      status: sql`case when ${workflowRuns.status} in ('running', 'waiting') then 'cancelled' else ${workflowRuns.status} end`,
      error: sql`case when ${workflowRuns.status} in ('running', 'waiting') then 'The contact was erased' else null end`,
      finishedAt: sql`coalesce(${workflowRuns.finishedAt}, now())`,
      updatedAt: sql`now()`,
    })
    .where(ofContact);
  return live.length;
}
