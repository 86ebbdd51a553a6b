import { workflowRuns, type Executor } from '@switchboard/db';
import { optOutReason } from '../consent/opt-outs';
import type { ActiveFlow } from './active-flows';

export type RunRow = typeof workflowRuns.$inferSelect;

export interface StartRunInput {
  workspaceId: string;
  flow: ActiveFlow;
  contactId: string | null;
  conversationId: string | null;
  trigger: Record<string, unknown>;
}

/** A run's row pinned to the flow's published version, positioned on its trigger node. */
export function runValues(input: StartRunInput) {
  return {
    workspaceId: input.workspaceId,
    workflowId: input.flow.workflowId,
    versionId: input.flow.versionId,
    contactId: input.contactId,
    conversationId: input.conversationId,
    trigger: input.trigger,
    currentNodeId: input.flow.trigger.id,
  };
}

/**
 * Creates a run, ready to advance from its trigger node; returns it as stored. A run the business
 * starts (schedule, webhook, tag) for a contact who opted out on the conversation's channel is
 * stored as failed with that reason instead.
 */
export async function startRun(tx: Executor, input: StartRunInput): Promise<RunRow> {
  const optedOut = input.trigger.kind !== 'message' && input.conversationId ? await optOutReason(tx, input.conversationId) : null;
  const [run] = await tx
    .insert(workflowRuns)
    .values({ ...runValues(input), ...(optedOut ? { status: 'failed', error: optedOut, finishedAt: new Date() } : { status: 'running' }) })
    .returning();
  return run!;
}
