import { and, eq, sql } from 'drizzle-orm';
import { enqueueJob, runSteps, runWaits, workflowRuns, workflowVersions, workspaces, type Executor } from '@switchboard/db';
import type { FlowDocument, MessageData, ResumeEvent, StepResult } from '@switchboard/flow';
import { executeNode, nextNodeId } from '@switchboard/flow/runtime';
import type { AppDeps } from '../context';
import { publishConversationUpdated, publishMessages } from '../inbox/publish';
import { applyEffects, EffectError, type AppliedEffects } from './apply-effects';
import { createFlowServices } from './flow-services';
import { loadFlowData } from './run-context';
import { runQueue } from './queues';

/** DESIGN §4 guards: a flow cannot spin forever, in one activation or over its life. */
export const MAX_STEPS_PER_ACTIVATION = 100;
export const MAX_STEPS_PER_RUN = 1_000;

type RunRow = typeof workflowRuns.$inferSelect;
type StoredResume = { kind: 'reply'; messageId: string } | { kind: 'timeout' } | { kind: 'delay_done' };

export interface AdvanceOutcome {
  status: RunRow['status'] | 'missing';
  steps: number;
}

/**
 * Executes a run's steps until it waits, ends or fails. Each step commits in its own
 * transaction together with its effects and the jobs they need; a step that already
 * committed (unique run_id+seq, checked under a row lock) is never applied twice, so a
 * worker killed between steps resumes with exactly one copy of each reply.
 */
export async function advanceRun(deps: AppDeps, runId: string): Promise<AdvanceOutcome> {
  const { db } = deps;
  let definition: FlowDocument | undefined;
  let steps = 0;
  for (;;) {
    const [run] = await db.select().from(workflowRuns).where(eq(workflowRuns.id, runId));
    if (!run) return { status: 'missing', steps };
    if (run.status !== 'running') return { status: run.status, steps };
    if (steps >= MAX_STEPS_PER_ACTIVATION || run.stepCount >= MAX_STEPS_PER_RUN) {
      const limit = steps >= MAX_STEPS_PER_ACTIVATION ? `${MAX_STEPS_PER_ACTIVATION} steps in one go` : `${MAX_STEPS_PER_RUN} steps in total`;
      await failRun(db, run, `Stopped after ${limit} at node "${run.currentNodeId}": the flow loops without waiting for the customer. Add a question or a delay inside the loop.`);
      return { status: 'failed', steps };
    }
    definition ??= await loadDefinition(db, run);
    const node = definition.nodes.find((n) => n.id === run.currentNodeId);
    if (!node) {
      await failRun(db, run, `The flow has no node "${run.currentNodeId}" any more.`);
      return { status: 'failed', steps };
    }

    const stored = run.resume as StoredResume | null;
    const [workspace] = await db.select({ settings: workspaces.settings }).from(workspaces).where(eq(workspaces.id, run.workspaceId));
    const data = await loadFlowData(db, run, stored?.kind === 'reply' ? stored.messageId : undefined);
    const resume = toResumeEvent(stored, data.message);
    const services = createFlowServices({ db, config: deps.config, workspaceId: run.workspaceId, settings: workspace?.settings ?? {}, data: () => data });
    // Passing faults (a provider 5xx, a timeout) throw here and the job retries with backoff.
    const result = await executeNode(definition, node.id, {
      data,
      ...(resume ? { resume } : {}),
      ...(run.nodeState ? { nodeState: run.nodeState } : {}),
      services,
    });

    const committed = await commitStep(deps, run, definition, node, result, resume);
    if (!committed) continue; // another worker took this step; re-read and carry on
    steps += 1;
    void publishMessages(deps, 'message.created', committed.messagesCreated);
    for (const id of new Set(committed.conversationsChanged)) void publishConversationUpdated(deps, run.workspaceId, id);
  }
}

async function commitStep(
  deps: AppDeps,
  run: RunRow,
  definition: FlowDocument,
  node: FlowDocument['nodes'][number],
  result: StepResult,
  resume: ResumeEvent | undefined,
): Promise<AppliedEffects | null> {
  return deps.db.transaction(async (tx) => {
    const [locked] = await tx.select().from(workflowRuns).where(eq(workflowRuns.id, run.id)).for('update');
    if (!locked || locked.status !== 'running' || locked.stepCount !== run.stepCount) return null;
    const seq = run.stepCount + 1;
    const target = { workspaceId: run.workspaceId, runId: run.id, contactId: run.contactId, conversationId: run.conversationId, channelId: await channelOf(tx, run) };
    let error = result.error ? `${result.error.field ? `${result.error.field}: ` : ''}${result.error.message}` : null;
    let applied: AppliedEffects = { vars: {}, conversationsChanged: [], messagesCreated: [] };
    if (!error) {
      try {
        applied = await applyEffects(tx, target, result.effects);
      } catch (err) {
        if (!(err instanceof EffectError)) throw err;
        error = err.message;
      }
    }
    const inserted = await tx
      .insert(runSteps)
      .values({
        workspaceId: run.workspaceId,
        runId: run.id,
        seq,
        nodeId: node.id,
        nodeType: node.type,
        status: error ? 'failed' : result.wait ? 'waiting' : 'completed',
        input: { resume: resume?.kind ?? null, message: resume?.kind === 'reply' ? resume.message.text : null },
        output: { output: result.output ?? null, effects: result.effects, vars: result.vars ?? null, wait: result.wait ?? null, log: result.log ?? null },
        error,
        finishedAt: new Date(),
      })
      .onConflictDoNothing()
      .returning({ id: runSteps.id });
    if (!inserted.length) return null;

    const variables = { ...run.variables, ...result.vars, ...applied.vars };
    const base = { stepCount: seq, variables, resume: null, updatedAt: new Date() };
    if (error) {
      await tx.update(workflowRuns).set({ ...base, status: 'failed', error: `${node.label ?? node.type} (${node.id}): ${error}`, finishedAt: new Date() }).where(eq(workflowRuns.id, run.id));
    } else if (result.wait) {
      await startWait(tx, run, node.id, result.wait);
      await tx
        .update(workflowRuns)
        .set({ ...base, status: 'waiting', nodeState: result.wait.kind === 'reply' ? (result.wait.nodeState ?? null) : null })
        .where(eq(workflowRuns.id, run.id));
    } else {
      const next = result.end ? null : nextNodeId(definition, node.id, result.output);
      await tx
        .update(workflowRuns)
        .set(next ? { ...base, currentNodeId: next, nodeState: null } : { ...base, status: 'completed', finishedAt: new Date(), nodeState: null })
        .where(eq(workflowRuns.id, run.id));
    }
    return applied;
  });
}

async function startWait(tx: Executor, run: RunRow, nodeId: string, wait: NonNullable<StepResult['wait']>) {
  const minutes = wait.kind === 'delay' ? wait.minutes : wait.timeoutMinutes;
  const expiresAt = minutes !== undefined ? new Date(Date.now() + minutes * 60_000) : null;
  const [row] = await tx
    .insert(runWaits)
    .values({ workspaceId: run.workspaceId, runId: run.id, kind: wait.kind, conversationId: run.conversationId, nodeId, expiresAt })
    .returning({ id: runWaits.id });
  if (expiresAt) {
    // job_key: one pending timer per run; run_at makes it durable across restarts for up to 30 days.
    await enqueueJob(tx, 'resume_wait', { runId: run.id, waitId: row!.id }, { runAt: expiresAt, jobKey: `wait:${run.id}`, queueName: runQueue(run) });
  }
}

async function failRun(db: Executor, run: RunRow, error: string) {
  await db.update(workflowRuns).set({ status: 'failed', error, finishedAt: new Date(), updatedAt: new Date() }).where(and(eq(workflowRuns.id, run.id), eq(workflowRuns.status, 'running')));
}

async function loadDefinition(db: Executor, run: RunRow): Promise<FlowDocument> {
  const [version] = await db.select({ definition: workflowVersions.definition }).from(workflowVersions).where(eq(workflowVersions.id, run.versionId));
  return (version?.definition ?? { schemaVersion: 1, nodes: [], edges: [] }) as unknown as FlowDocument;
}

async function channelOf(tx: Executor, run: RunRow): Promise<string | null> {
  if (!run.conversationId) return null;
  const rows = await tx.execute<{ channel_id: string }>(sql`select channel_id from conversations where id = ${run.conversationId}`);
  return rows.rows[0]?.channel_id ?? null;
}

function toResumeEvent(stored: StoredResume | null, message: MessageData | null): ResumeEvent | undefined {
  if (!stored) return undefined;
  if (stored.kind !== 'reply') return { kind: stored.kind };
  // The reply was deleted with its conversation: treat the wait as timed out rather than stall.
  return message ? { kind: 'reply', message } : { kind: 'timeout' };
}
