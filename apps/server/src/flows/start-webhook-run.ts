import type { Database } from '@switchboard/db';
import { enqueue } from '../queue/enqueue';
import { runQueue, TASKS } from '../queue/names';
import type { ActiveFlow } from './active-flows';
import { resolveContactSelector, type ContactSelector } from './contact-selector';
import { startRun, type RunRow } from './start-run';

export interface WebhookRunInput {
  workspaceId: string;
  flow: ActiveFlow;
  contact: ContactSelector | undefined;
  /** The webhook's JSON body: the run's trigger data. */
  body: Record<string, unknown>;
}

/**
 * Starts a flow webhook's run and, in the same transaction, its advance_run job in the
 * conversation's queue: the contact and the conversation are found (or created, or reopened) as
 * the selector says, so the run's first step sees them.
 */
export async function startWebhookRun(db: Database, input: WebhookRunInput): Promise<RunRow> {
  return db.transaction(async (tx) => {
    const target = input.contact
      ? await resolveContactSelector(tx, input.workspaceId, input.contact)
      : { contactId: null, conversationId: null };
    const run = await startRun(tx, {
      workspaceId: input.workspaceId,
      flow: input.flow,
      ...target,
      trigger: { kind: 'webhook', body: input.body },
    });
    if (run.status === 'running') await enqueue(tx, TASKS.advanceRun, { runId: run.id }, { queueName: runQueue(run) });
    return run;
  });
}
