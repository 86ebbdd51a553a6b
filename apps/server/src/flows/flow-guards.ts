import { sql } from 'drizzle-orm';
import { workflowRuns, type Executor } from '@switchboard/db';
import type { ActiveFlow } from './active-flows';
import { runValues, type StartRunInput } from './start-run';

/**
 * Guards against flows that start each other without end (flow A adds the tag that starts flow B,
 * which adds the tag that starts flow A...). Every run a flow caused carries its causal chain in
 * `trigger.cause`: the runs before it, oldest first. A run that would be more than
 * MAX_CAUSAL_DEPTH flows deep is refused, and so is any flow-caused run past
 * MAX_RUNS_PER_CONTACT_PER_MINUTE for one contact (a loop that re-adds tags across unrelated
 * events). A refused run is stored as failed with the reason, so the owner sees it in the runs
 * list. Runs a customer's message starts have no cause (depth 0) and are not checked: the reply
 * path reads nothing more.
 */
export const MAX_CAUSAL_DEPTH = 5;
export const MAX_RUNS_PER_CONTACT_PER_MINUTE = 20;

export interface CauseLink {
  runId: string;
  workflowId: string;
}

/** Stored in a flow-caused run's `trigger.cause`. */
export interface Cause {
  /** How many flow runs came before this one in a row (1: started by a run a person or customer started). */
  depth: number;
  /** The latest of those runs, oldest first (bounded). */
  chain: CauseLink[];
}

/** The cause a run that `source` started carries: one deeper, with `source` at the end of its chain. */
export async function causeAfter(tx: Executor, sourceRunId: string): Promise<{ cause: Cause; sourceWorkflowId: string } | null> {
  const [row] = await tx
    .select({ workflowId: workflowRuns.workflowId, cause: sql<Cause | null>`${workflowRuns.trigger} -> 'cause'` })
    .from(workflowRuns)
    .where(sql`${workflowRuns.id} = ${sourceRunId}`);
  if (!row) return null;
  const before = row.cause ?? { depth: 0, chain: [] };
  const chain = [...before.chain, { runId: sourceRunId, workflowId: row.workflowId }].slice(-(MAX_CAUSAL_DEPTH + 1));
  return { cause: { depth: before.depth + 1, chain }, sourceWorkflowId: row.workflowId };
}

/**
 * Flow-caused runs of the contact in the last minute, counted up to the limit (the partial index
 * workflow_runs_contact_caused_idx holds exactly these rows: message-started runs never enter it).
 */
export async function recentCausedRuns(tx: Executor, contactId: string): Promise<number> {
  const { rows } = await tx.execute<{ n: number }>(recentCausedRunsCount(contactId));
  return rows[0]?.n ?? 0;
}

/** The statement recentCausedRuns sends (exported so a test can check its plan). */
export const recentCausedRunsCount = (contactId: string) => sql`
  select count(*)::int as n from (
    select 1 from workflow_runs
    where contact_id = ${contactId} and created_at > now() - interval '1 minute' and (trigger ->> 'kind') <> 'message'
    limit ${MAX_RUNS_PER_CONTACT_PER_MINUTE}
  ) recent`;

/** Why a run is refused, in words the owner can act on; null when it may start. */
export function refusal(cause: Cause | undefined, recentRuns: number, flow: ActiveFlow, names: ReadonlyMap<string, string>): string | null {
  if (cause && cause.depth > MAX_CAUSAL_DEPTH) {
    const path = [...cause.chain.map((link) => names.get(link.workflowId) ?? 'a paused flow'), flow.name].join(' → ');
    return `Stopped: flows triggered each other ${MAX_CAUSAL_DEPTH} times in a row (${path}). Change one flow so it does not re-add the tag that starts the other.`;
  }
  if (recentRuns >= MAX_RUNS_PER_CONTACT_PER_MINUTE) {
    return `Stopped: flows started ${MAX_RUNS_PER_CONTACT_PER_MINUTE} runs for this contact within a minute, the most allowed. Check for flows that keep re-adding tags to the same contact.`;
  }
  return null;
}

/** Records a run that was not started, as failed with its reason, so the runs list says why. */
export async function storeRefusedRun(tx: Executor, input: StartRunInput, reason: string): Promise<string> {
  const [run] = await tx
    .insert(workflowRuns)
    .values({ ...runValues(input), status: 'failed', error: reason, finishedAt: new Date() })
    .returning({ id: workflowRuns.id });
  return run!.id;
}
