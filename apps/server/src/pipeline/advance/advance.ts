import { eq } from 'drizzle-orm';
import { workflowRuns, workflowVersions, type Executor } from '@switchboard/db';
import type { FlowData, FlowDocument, FlowServices, MessageData, ResumeEvent } from '@switchboard/flow';
import { executeNode, getDefinition, nextNodeId } from '@switchboard/flow/runtime';
import type { AppDeps } from '../../context';
import { createFlowServices } from '../../flows/flow-services';
import { loadFlowContext } from '../../flows/run-context';
import { publishConversationUpdated, publishMessages } from '../../inbox/publish';
import { drainQueueFor } from '../../inbox/queue-drain';
import {
  commitSteps,
  failRun,
  variablesAfter,
  type Committed,
  type FlowNode,
  type Loaded,
  type RunRow,
  type StepRecord,
} from './commit-steps';

/** DESIGN §4 guards: a flow cannot spin forever, in one activation or over its life. */
export const MAX_STEPS_PER_ACTIVATION = 100;
export const MAX_STEPS_PER_RUN = 1_000;

type StoredResume = { kind: 'reply'; messageId: string } | { kind: 'timeout' } | { kind: 'delay_done' };

export interface AdvanceOutcome {
  status: RunRow['status'] | 'missing';
  steps: number;
}

/** Steps that call out (HTTP, AI, CRM push) commit at once so a re-run never repeats the call. */
const callsOut = (type: string): boolean => getDefinition(type)?.callsOut === true;

/**
 * Executes a run's steps until it waits, ends or fails. Each step that has effects commits in its
 * own transaction together with them and the jobs they need; effect-free steps before it (a
 * trigger, a condition) are written in that same transaction rather than one each. A step that
 * already committed (unique run_id+seq, checked under a row lock) is never applied twice, so a
 * worker killed between steps resumes with exactly one copy of each reply.
 */
export async function advanceRun(deps: AppDeps, runId: string, started?: { run: RunRow; loaded?: Loaded }): Promise<AdvanceOutcome> {
  const { db } = deps;
  let steps = 0;
  // A run routing just started or resumed is passed in as stored, with the context routing read.
  let run = started?.run.id === runId ? started.run : await readRun(db, runId);
  let definition: FlowDocument | undefined;
  let loaded = started?.run.id === runId ? started.loaded : undefined;
  let pending: StepRecord[] = [];
  for (;;) {
    if (!run) return { status: 'missing', steps };
    if (run.status !== 'running') return { status: run.status, steps };
    // The run as it stands after the steps not committed yet.
    const at = pending.length
      ? positionAfter(run, pending, definition!)
      : {
          stepCount: run.stepCount,
          currentNodeId: run.currentNodeId,
          variables: run.variables,
          nodeState: run.nodeState,
          resume: run.resume as StoredResume | null,
        };
    const flushThen = async (fail: string): Promise<AdvanceOutcome> => {
      if (pending.length && !(await commitSteps(deps, run!, definition!, pending, loaded))) return advanceRun(deps, runId);
      await failRun(db, { ...run!, stepCount: at.stepCount }, fail);
      return { status: 'failed', steps: steps + pending.length };
    };
    if (steps + pending.length >= MAX_STEPS_PER_ACTIVATION || at.stepCount >= MAX_STEPS_PER_RUN) {
      const limit =
        steps + pending.length >= MAX_STEPS_PER_ACTIVATION
          ? `${MAX_STEPS_PER_ACTIVATION} steps in one go`
          : `${MAX_STEPS_PER_RUN} steps in total`;
      return flushThen(
        `Stopped after ${limit} at node "${at.currentNodeId}": the flow loops without waiting for the customer. Add a question or a delay inside the loop.`,
      );
    }
    definition ??= await loadDefinition(db, run.versionId);
    const node = definition.nodes.find((n) => n.id === at.currentNodeId);
    if (!node) return flushThen(`The flow has no node "${at.currentNodeId}" any more.`);

    const messageKey = at.resume?.kind === 'reply' ? at.resume.messageId : undefined;
    if (!loaded || loaded.messageKey !== messageKey) {
      const context = await loadFlowContext(db, run, messageKey);
      loaded = { messageKey, data: context.data, settings: context.settings };
    }
    // Passing faults (a provider 5xx, a timeout) throw here and the job retries with backoff.
    const step = await executeStep(deps, run, definition, node, at, loaded);
    const { result } = step;
    if (deferrable(definition, step)) {
      pending.push(step);
      continue;
    }

    const committed = await commitSteps(deps, run, definition, [...pending, step], loaded);
    const batch = pending.length + 1;
    pending = [];
    if (!committed) {
      // Another worker took these steps: re-read and carry on from where it left the run.
      run = await readRun(db, runId);
      loaded = undefined;
      continue;
    }
    steps += batch;
    run = committed.run;
    publishCommitted(deps, run, committed);
    // Effects may have changed the contact or the conversation the next step reads.
    if (result.effects.length) loaded = undefined;
  }
}

/** Runs `node` for `run` standing at `at`, with the data `loaded` read. */
async function executeStep(
  deps: AppDeps,
  run: RunRow,
  definition: FlowDocument,
  node: FlowNode,
  at: Position,
  loaded: Loaded,
): Promise<StepRecord> {
  const data: FlowData = { ...loaded.data, vars: at.variables };
  const resume = toResumeEvent(at.resume, data.message);
  const services: FlowServices = createFlowServices({
    db: deps.db,
    config: deps.config,
    workspaceId: run.workspaceId,
    settings: loaded.settings,
    data: () => data,
  });
  const result = await executeNode(definition, node.id, {
    data,
    ...(resume ? { resume } : {}),
    ...(at.nodeState ? { nodeState: at.nodeState } : {}),
    services,
    step: { runId: run.id, seq: at.stepCount + 1 },
  });
  return { node, result, resume };
}

/** After a step's commit: tells the live inbox (the replies' delivery jobs committed with the step). */
function publishCommitted(deps: AppDeps, run: RunRow, committed: Committed) {
  void publishMessages(deps, 'message.created', committed.applied.messagesCreated);
  for (const id of new Set(committed.applied.conversationsChanged)) void publishConversationUpdated(deps, run.workspaceId, id);
  for (const userId of new Set(committed.applied.freedAgents))
    void drainQueueFor(deps, run.workspaceId, userId).catch((error: unknown) => deps.logger.error({ error }, 'queue drain failed'));
}

function deferrable(definition: FlowDocument, { node, result }: StepRecord): boolean {
  if (result.effects.length || result.wait || result.error || result.end || callsOut(node.type)) return false;
  return nextNodeId(definition, node.id, result.output) !== null;
}

/** Where a run stands before a step: its node, count, variables, and what it resumes on. */
type Position = Pick<RunRow, 'stepCount' | 'variables' | 'nodeState'> & { currentNodeId: string | null; resume: StoredResume | null };

/** Where the run stands after `pending` (all effect-free steps that each lead to a next node). */
function positionAfter(run: RunRow, pending: StepRecord[], definition: FlowDocument): Position {
  const last = pending[pending.length - 1]!;
  return {
    stepCount: run.stepCount + pending.length,
    currentNodeId: nextNodeId(definition, last.node.id, last.result.output)!,
    variables: variablesAfter(run, pending),
    nodeState: null,
    resume: null,
  };
}

async function readRun(db: Executor, runId: string): Promise<RunRow | undefined> {
  const [run] = await db.select().from(workflowRuns).where(eq(workflowRuns.id, runId));
  return run;
}

// Versions are immutable, so a definition once read is good for the life of the process.
const definitions = new Map<string, FlowDocument>();
const MAX_DEFINITIONS = 500;

async function loadDefinition(db: Executor, versionId: string): Promise<FlowDocument> {
  const cached = definitions.get(versionId);
  if (cached) return cached;
  const [version] = await db
    .select({ definition: workflowVersions.definition })
    .from(workflowVersions)
    .where(eq(workflowVersions.id, versionId));
  if (!version) return { schemaVersion: 1, nodes: [], edges: [] } as unknown as FlowDocument;
  if (definitions.size >= MAX_DEFINITIONS) definitions.delete(definitions.keys().next().value!);
  const definition = version.definition as unknown as FlowDocument;
  definitions.set(versionId, definition);
  return definition;
}

function toResumeEvent(stored: StoredResume | null, message: MessageData | null): ResumeEvent | undefined {
  if (!stored) return undefined;
  if (stored.kind !== 'reply') return { kind: stored.kind };
  // The reply was deleted with its conversation: treat the wait as timed out rather than stall.
  return message ? { kind: 'reply', message } : { kind: 'timeout' };
}
