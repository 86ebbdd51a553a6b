import { and, eq, sql } from 'drizzle-orm';
import { runSteps, runWaits, workflowRuns, type Executor, type WorkspaceSettings } from '@switchboard/db';
import type { FlowData, FlowDocument, ResumeEvent, StepResult } from '@switchboard/flow';
import { nextNodeId } from '@switchboard/flow/runtime';
import type { AppDeps } from '../../context';
import { enqueueLater } from '../../queue/enqueue';
import { runQueue, TASKS, waitTimerKey } from '../../queue/names';
import { applyEffects, EffectError, type AppliedEffects } from './apply-effects';

/**
 * How an activation's steps are written (see advanceRun, which runs them): a batch of effect-free
 * steps and the step that ends it, committed together in one transaction with that step's effects
 * (its replies with their delivery jobs) and its wait.
 */

export type RunRow = typeof workflowRuns.$inferSelect;
export type FlowNode = FlowDocument['nodes'][number];

/** A step that ran but is committed with the next one: it had no effects, no wait and no outside I/O. */
export interface StepRecord {
  node: FlowNode;
  result: StepResult;
  resume: ResumeEvent | undefined;
}

/** What one activation reads once and reuses until a step's effects may have changed it. */
export interface Loaded {
  messageKey: string | undefined;
  data: Omit<FlowData, 'vars'>;
  settings: WorkspaceSettings;
}

/** A committed step: the run as it now stands, and what its effects did. */
export type Committed = { run: RunRow; applied: AppliedEffects };

/** A run_steps row of a batch. */
interface StepRow {
  seq: number;
  nodeId: string;
  nodeType: string;
  status: 'completed' | 'waiting' | 'failed';
  input: Record<string, unknown>;
  output: Record<string, unknown>;
}

/** Where the run goes after the step's commit. */
type RunAdvance = Pick<RunRow, 'status' | 'currentNodeId' | 'nodeState'> & { finishedAt?: Date };

/**
 * Commits `batch` (effect-free steps, then the step that may have effects, a wait or an end) in one
 * transaction. Null when another worker already moved the run (or it stopped running): two
 * activations of one step meet at the unique (run_id, seq) of its step row, and the run update
 * only matches the step count and status this activation started from. No lock is taken first, which
 * saves a round trip per step; the loser's effects roll back with its transaction.
 */
export async function commitSteps(
  deps: AppDeps,
  run: RunRow,
  definition: FlowDocument,
  batch: StepRecord[],
  loaded: Loaded | undefined,
): Promise<Committed | null> {
  return deps.db
    .transaction(async (tx) => {
      const last = batch[batch.length - 1]!;
      const { node, result } = last;
      const seq = run.stepCount + batch.length;
      let error = result.error ? `${result.error.field ? `${result.error.field}: ` : ''}${result.error.message}` : null;
      let applied: AppliedEffects = { vars: {}, conversationsChanged: [], messagesCreated: [] };
      if (!error && result.effects.length) {
        const channelId = loaded?.data.conversation?.channelId ?? (await channelOf(tx, run));
        const target = {
          workspaceId: run.workspaceId,
          runId: run.id,
          contactId: run.contactId,
          conversationId: run.conversationId,
          channelId,
        };
        try {
          applied = await applyEffects(tx, target, result.effects);
        } catch (err) {
          if (!(err instanceof EffectError)) throw err;
          error = err.message;
        }
      }
      const finishedAt = new Date();
      const rows = stepRowsOf(run, batch, error).map((row, i) => ({
        ...row,
        workspaceId: run.workspaceId,
        runId: run.id,
        error: i === batch.length - 1 ? error : null,
        finishedAt,
      }));
      const steps = tx
        .$with('steps', { id: sql<string>`id` })
        .as(tx.insert(runSteps).values(rows).onConflictDoNothing().returning({ id: runSteps.id }).getSQL());

      const variables = { ...variablesAfter(run, batch), ...applied.vars };
      const base = { stepCount: seq, variables, resume: null, updatedAt: finishedAt };
      let update: Partial<RunRow>;
      if (error) {
        update = { ...base, status: 'failed', error: `${node.label ?? node.type} (${node.id}): ${error}`, finishedAt };
      } else {
        if (result.wait) await startWait(tx, run, node.id, result.wait);
        update = { ...base, ...moveOn(definition, last, finishedAt) };
      }
      // The steps and the run in one statement. The guard that the run is still where this activation
      // read it: a step recorded already (its unique run_id+seq), a run cancelled (a person took over)
      // or moved by another worker meanwhile matches nothing, and everything above rolls back.
      const [updated] = await tx
        .with(steps)
        .update(workflowRuns)
        .set(update)
        .where(
          and(
            eq(workflowRuns.id, run.id),
            eq(workflowRuns.status, 'running'),
            eq(workflowRuns.stepCount, run.stepCount),
            sql`(select count(*) from ${steps}) = ${batch.length}`,
          ),
        )
        .returning();
      if (!updated) throw new StepsTaken();
      return { run: updated, applied };
    })
    .catch((err: unknown) => {
      if (err instanceof StepsTaken) return null;
      throw err;
    });
}

class StepsTaken extends Error {}

function stepRowsOf(run: RunRow, batch: StepRecord[], error: string | null): StepRow[] {
  return batch.map((step, i) => ({
    seq: run.stepCount + i + 1,
    nodeId: step.node.id,
    nodeType: step.node.type,
    status: i === batch.length - 1 && error ? 'failed' : step.result.wait ? 'waiting' : 'completed',
    input: { resume: step.resume?.kind ?? null, message: step.resume?.kind === 'reply' ? step.resume.message.text : null },
    output: {
      output: step.result.output ?? null,
      effects: step.result.effects,
      vars: step.result.vars ?? null,
      wait: step.result.wait ?? null,
      log: step.result.log ?? null,
      ...(step.result.detail && { detail: step.result.detail }),
    },
  }));
}

export function variablesAfter(run: RunRow, batch: StepRecord[]): Record<string, unknown> {
  let variables = run.variables;
  for (const step of batch) variables = { ...variables, ...step.result.vars };
  return variables;
}

/** After a step without error: waiting at its node (keeping a question's state), on to the next node, or complete. */
function moveOn(definition: FlowDocument, { node, result }: StepRecord, at: Date): RunAdvance {
  if (result.wait)
    return { status: 'waiting', currentNodeId: node.id, nodeState: result.wait.kind === 'reply' ? (result.wait.nodeState ?? null) : null };
  if (result.repeat) return { status: 'running', currentNodeId: node.id, nodeState: result.repeat.nodeState };
  const next = result.end ? null : nextNodeId(definition, node.id, result.output);
  return next
    ? { status: 'running', currentNodeId: next, nodeState: null }
    : { status: 'completed', currentNodeId: node.id, finishedAt: at, nodeState: null };
}

/** When a wait's timer fires: a delay's end, a question's timeout; null for a question without one. */
function waitExpiry(wait: NonNullable<StepResult['wait']>): Date | null {
  const minutes = wait.kind === 'delay' ? wait.minutes : wait.timeoutMinutes;
  return minutes !== undefined ? new Date(Date.now() + minutes * 60_000) : null;
}

async function startWait(tx: Executor, run: RunRow, nodeId: string, wait: NonNullable<StepResult['wait']>) {
  const expiresAt = waitExpiry(wait);
  const [row] = await tx
    .insert(runWaits)
    .values({ workspaceId: run.workspaceId, runId: run.id, kind: wait.kind, conversationId: run.conversationId, nodeId, expiresAt })
    .returning({ id: runWaits.id });
  if (expiresAt) {
    // job_key: one pending timer per run; run_at makes it durable across restarts for up to 30 days.
    await enqueueLater(tx, TASKS.resumeWait, { runId: run.id, waitId: row!.id }, expiresAt, {
      jobKey: waitTimerKey(run.id),
      queueName: runQueue(run),
    });
  }
}

export async function failRun(db: Executor, run: RunRow, error: string) {
  await db
    .update(workflowRuns)
    .set({ status: 'failed', error, finishedAt: new Date(), updatedAt: new Date() })
    .where(and(eq(workflowRuns.id, run.id), eq(workflowRuns.status, 'running')));
}

async function channelOf(tx: Executor, run: RunRow): Promise<string | null> {
  if (!run.conversationId) return null;
  const rows = await tx.execute<{ channel_id: string }>(sql`select channel_id from conversations where id = ${run.conversationId}`);
  return rows.rows[0]?.channel_id ?? null;
}
