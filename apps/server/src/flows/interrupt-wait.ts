import { and, eq, isNull, sql } from 'drizzle-orm';
import { runWaits, workflowRuns, type Database } from '@switchboard/db';
import { cancel } from '../queue/enqueue';
import type { ActiveFlow } from './active-flows';
import { chooseFlow, interruptedBy } from './choose-flow';
import type { MessageEvent } from './choose-flow';
import { waitTimerKey } from '../queue/names';
import { startRun, type RunRow, type StartRunInput } from './start-run';

export interface Interruption {
  messageId: string;
  waitId: string;
  runId: string;
  /** The flows that start instead (the keyword's flow, and any conversation-opened flow). */
  start: ActiveFlow[];
  byName: string;
  runInput: (flow: ActiveFlow) => StartRunInput;
}

/**
 * Route stage hook for a conversation with a run waiting for an answer: when chooseFlow says the
 * message is another flow's exact keyword, interrupt the run and start that flow. Returns the
 * started run ids, or null when the waiting run keeps the message (or the interruption no longer
 * applied and nothing was written).
 */
export async function interruptIfKeyword(
  db: Database,
  flows: readonly ActiveFlow[],
  event: MessageEvent,
  wait: { waitId: string; runId: string; workflowId: string | null; messageId: string },
  runInput: (flow: ActiveFlow) => StartRunInput,
): Promise<string[] | null> {
  const choice = chooseFlow(flows, event, { runId: wait.runId, workflowId: wait.workflowId });
  if (!choice.interrupt) return null;
  const done = await interruptWaitingRun(db, { ...wait, start: choice.start, byName: choice.interrupt.byName, runInput });
  return done.claimed ? done.runs.map((r) => r.id) : null;
}

/**
 * The customer answered a waiting question with another flow's exact keyword: in one transaction
 * the message is claimed, the wait resolved and its timer removed, the waiting run ends as
 * cancelled with "Interrupted by <flow>" (its run history says why it stopped), and the keyword's
 * flow starts. Nothing is written when the message was routed already or the wait went away
 * (`claimed` false): the caller routes it the ordinary way.
 */
export async function interruptWaitingRun(db: Database, interruption: Interruption): Promise<{ claimed: boolean; runs: RunRow[] }> {
  return db
    .transaction(async (tx) => {
      const [wait] = await tx
        .update(runWaits)
        .set({ resolvedAt: new Date() })
        .where(and(eq(runWaits.id, interruption.waitId), eq(runWaits.runId, interruption.runId), isNull(runWaits.resolvedAt)))
        .returning({ id: runWaits.id });
      if (!wait) return { claimed: false, runs: [] };
      const claimed = await tx.execute(
        sql`update messages set routed_at = now() where id = ${interruption.messageId} and routed_at is null and direction = 'in'`,
      );
      if (!claimed.rowCount) throw new Rollback();
      await cancel(tx, waitTimerKey(interruption.runId));
      const ended = await tx
        .update(workflowRuns)
        .set({ status: 'cancelled', error: interruptedBy(interruption.byName), finishedAt: new Date(), updatedAt: new Date() })
        .where(and(eq(workflowRuns.id, interruption.runId), eq(workflowRuns.status, 'waiting')))
        .returning({ id: workflowRuns.id });
      if (!ended.length) throw new Rollback();
      const runs: RunRow[] = [];
      for (const flow of interruption.start) runs.push(await startRun(tx, interruption.runInput(flow)));
      return { claimed: true, runs };
    })
    .catch((error: unknown) => {
      if (error instanceof Rollback) return { claimed: false, runs: [] };
      throw error;
    });
}

/** Undoes the transaction when what routing read no longer holds. */
class Rollback extends Error {}
