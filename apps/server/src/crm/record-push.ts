import { crmPushes, contactEvents, type CrmPushTarget, type Executor } from '@switchboard/db';
import { enqueue } from '../queue/enqueue';

export const CRM_PUSH_TASK = 'crm_push';

export interface PushRequest {
  workspaceId: string;
  contactId: string;
  conversationId: string | null;
  target: CrmPushTarget;
  /** What to send besides the contact and the transcript (note, webhook address and headers); no credential value. */
  request: Record<string, unknown>;
  /** A second request with the same key (per workspace) records nothing and pushes nothing. */
  dedupeKey?: string;
  actor?: string;
}

/**
 * Records a push and its job in the caller's transaction: the push is queued exactly when the
 * step (or the resolution) that asked for it commits. Returns the push id, or null when one with
 * the same dedupe key exists already.
 */
export async function recordCrmPush(tx: Executor, input: PushRequest): Promise<string | null> {
  const [row] = await tx
    .insert(crmPushes)
    .values({
      workspaceId: input.workspaceId,
      contactId: input.contactId,
      conversationId: input.conversationId,
      target: input.target,
      request: input.request,
      dedupeKey: input.dedupeKey ?? null,
    })
    .onConflictDoNothing()
    .returning({ id: crmPushes.id });
  if (!row) return null;
  await tx.insert(contactEvents).values({
    workspaceId: input.workspaceId,
    contactId: input.contactId,
    kind: 'crm_push',
    data: { pushId: row.id, target: input.target, status: 'queued' },
    actor: input.actor ?? 'bot',
  });
  await enqueueCrmPush(tx, row.id);
  return row.id;
}

/** The push's job; one pending job per push (a retry asked for twice adds one). */
export async function enqueueCrmPush(tx: Executor, pushId: string, runAt?: Date): Promise<void> {
  await enqueue(tx, CRM_PUSH_TASK, { pushId }, { jobKey: `crm_push:${pushId}`, maxAttempts: 5, ...(runAt ? { runAt } : {}) });
}
