import { and, eq } from 'drizzle-orm';
import { runWaits, workflowRuns, type Executor } from '@switchboard/db';
import { cancel } from '../queue/enqueue';
import { waitTimerKey } from '../queue/names';
import type { ActiveFlow } from './active-flows';
import { interruptedBy } from './choose-flow';
import { startRun, type RunRow, type StartRunInput } from './start-run';

export interface Interruption {
  waitId: string;
  runId: string;
  /** The flows that start instead (the keyword's flow, and any conversation-opened flow). */
  start: ActiveFlow[];
  byName: string;
  runInput: (flow: ActiveFlow) => StartRunInput;
}

/**
 * The customer answered a waiting question with another flow's exact keyword (chooseFlow said so).
 * In the routing transaction `tx`, which claimed the message and locked the wait: the waiting run
 * ends as cancelled with "Interrupted by <flow>" (its run history says why it stopped), the wait is
 * resolved and its timer removed, and the keyword's flow starts. Null, with nothing written, when
 * the run stopped waiting meanwhile: the caller routes the message as if no run waited.
 */
export async function interruptWaitingRun(tx: Executor, interruption: Interruption): Promise<RunRow[] | null> {
  const ended = await tx
    .update(workflowRuns)
    .set({ status: 'cancelled', error: interruptedBy(interruption.byName), finishedAt: new Date(), updatedAt: new Date() })
    .where(and(eq(workflowRuns.id, interruption.runId), eq(workflowRuns.status, 'waiting')))
    .returning({ id: workflowRuns.id });
  if (!ended.length) return null;
  await tx.update(runWaits).set({ resolvedAt: new Date() }).where(eq(runWaits.id, interruption.waitId));
  await cancel(tx, waitTimerKey(interruption.runId));
  const runs: RunRow[] = [];
  for (const flow of interruption.start) runs.push(await startRun(tx, interruption.runInput(flow)));
  return runs;
}
