import { workflowRuns, type Executor } from '@switchboard/db';
import type { ActiveFlow } from './active-flows';

export interface StartRunInput {
  workspaceId: string;
  flow: ActiveFlow;
  contactId: string | null;
  conversationId: string | null;
  trigger: Record<string, unknown>;
}

/** Creates a run pinned to the flow's published version, positioned on its trigger node. */
export async function startRun(tx: Executor, input: StartRunInput): Promise<string> {
  const [run] = await tx
    .insert(workflowRuns)
    .values({
      workspaceId: input.workspaceId,
      workflowId: input.flow.workflowId,
      versionId: input.flow.versionId,
      contactId: input.contactId,
      conversationId: input.conversationId,
      trigger: input.trigger,
      status: 'running',
      currentNodeId: input.flow.trigger.id,
    })
    .returning({ id: workflowRuns.id });
  return run!.id;
}
