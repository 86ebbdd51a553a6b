import { randomUUID } from 'node:crypto';
import { eq, type SQL } from 'drizzle-orm';
import { workflowRuns, workflowVersions, type Executor } from '@switchboard/db';
import type { FlowData, FlowDocument, FlowServices, MessageData, ResumeEvent } from '@switchboard/flow';
import { executeNode, nextNodeId } from '@switchboard/flow/runtime';
import type { AppDeps } from '../context';
import { publishConversationUpdated, publishMessages } from '../inbox/publish';
import { commitRepliesOnly, commitSteps, expressRepliesOf, failRun, variablesAfter, type Committed, type FlowNode, type Loaded, type RunRow, type StepRecord } from './commit-steps';
import { createFlowServices } from './flow-services';
import { flowContextOf, loadFlowContext, type FlowContext, type FlowContextRow } from './run-context';
import type { StartRunInput } from './start-run';
import { expressDeliver } from '../jobs/express-delivery';
import type { DeferFinalWrite } from '../jobs/inline-job-statements';

/** DESIGN §4 guards: a flow cannot spin forever, in one activation or over its life. */
export const MAX_STEPS_PER_ACTIVATION = 100;
export const MAX_STEPS_PER_RUN = 1_000;

type StoredResume = { kind: 'reply'; messageId: string } | { kind: 'timeout' } | { kind: 'delay_done' };

export interface AdvanceOutcome {
  status: RunRow['status'] | 'missing';
  steps: number;
}

/** Nodes whose handlers call out (HTTP, AI, CRM push): their step commits at once so a re-run never repeats the call. */
const CALLS_OUT = new Set(['action.http_request', 'action.ai_reply', 'action.crm']);

/**
 * Executes a run's steps until it waits, ends or fails. Each step that has effects commits in its
 * own transaction together with them and the jobs they need; effect-free steps before it (a
 * trigger, a condition) are written in that same transaction rather than one each. A step that
 * already committed (unique run_id+seq, checked under a row lock) is never applied twice, so a
 * worker killed between steps resumes with exactly one copy of each reply.
 */
export async function advanceRun(
  deps: AppDeps,
  runId: string,
  started?: { run: RunRow; context: FlowContext | null; contextMessageId?: string; firstStep?: FirstReply },
  deferFinalWrite?: DeferFinalWrite,
): Promise<AdvanceOutcome> {
  const { db } = deps;
  let steps = 0;
  // A run just created (or resumed) by routing is passed in as stored, not read back, with the context routing read.
  const fresh = started?.run.id === runId ? started : undefined;
  let run = fresh ? fresh.run : await readRun(db, runId);
  let definition: FlowDocument | undefined;
  // A resumed run's context was read for the reply it resumes on (contextMessageId).
  let loaded: Loaded | undefined = fresh?.context ? { messageKey: fresh.contextMessageId, data: fresh.context.data, settings: fresh.context.settings } : undefined;
  let pending: StepRecord[] = [];
  if (fresh?.firstStep) {
    // Routing started the run with its first steps already committed (startWithFirstReply): send the reply, then go on.
    const { committed, loaded: firstLoaded } = fresh.firstStep;
    steps = committed.run.stepCount;
    run = committed.run;
    await afterCommit(deps, run, committed, firstLoaded, deferFinalWrite);
    loaded = undefined;
  }
  for (;;) {
    if (!run) return { status: 'missing', steps };
    if (run.status !== 'running') return { status: run.status, steps };
    // The run as it stands after the steps not committed yet.
    const at = pending.length ? positionAfter(run, pending, definition!) : { stepCount: run.stepCount, currentNodeId: run.currentNodeId, variables: run.variables, nodeState: run.nodeState, resume: run.resume as StoredResume | null };
    const flushThen = async (fail: string): Promise<AdvanceOutcome> => {
      if (pending.length && !(await commitSteps(deps, run!, definition!, pending, loaded))) return advanceRun(deps, runId);
      await failRun(db, { ...run!, stepCount: at.stepCount }, fail);
      return { status: 'failed', steps: steps + pending.length };
    };
    if (steps + pending.length >= MAX_STEPS_PER_ACTIVATION || at.stepCount >= MAX_STEPS_PER_RUN) {
      const limit = steps + pending.length >= MAX_STEPS_PER_ACTIVATION ? `${MAX_STEPS_PER_ACTIVATION} steps in one go` : `${MAX_STEPS_PER_RUN} steps in total`;
      return flushThen(`Stopped after ${limit} at node "${at.currentNodeId}": the flow loops without waiting for the customer. Add a question or a delay inside the loop.`);
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
    await afterCommit(deps, run, committed, loaded, deferFinalWrite);
    // Effects may have changed the contact or the conversation the next step reads.
    if (result.effects.length) loaded = undefined;
  }
}

/** Runs `node` for `run` standing at `at`, with the data `loaded` read. */
async function executeStep(deps: AppDeps, run: RunRow, definition: FlowDocument, node: FlowNode, at: Position, loaded: Loaded): Promise<StepRecord> {
  const data: FlowData = { ...loaded.data, vars: at.variables };
  const resume = toResumeEvent(at.resume, data.message);
  const services: FlowServices = createFlowServices({ db: deps.db, config: deps.config, workspaceId: run.workspaceId, settings: loaded.settings, data: () => data });
  const result = await executeNode(definition, node.id, {
    data,
    ...(resume ? { resume } : {}),
    ...(at.nodeState ? { nodeState: at.nodeState } : {}),
    services,
  });
  return { node, result, resume };
}

/** After a step's commit: tells the live inbox, and sends its replies right away where the channel allows. */
async function afterCommit(deps: AppDeps, run: RunRow, committed: Committed, loaded: Loaded | undefined, deferFinalWrite: DeferFinalWrite | undefined) {
  const conversation = loaded?.data.conversation;
  void publishMessages(deps, 'message.created', committed.applied.messagesCreated);
  for (const id of new Set(committed.applied.conversationsChanged)) void publishConversationUpdated(deps, run.workspaceId, id);
  if (committed.applied.outbound.length && conversation && run.contactId) {
    await expressDeliver(deps, committed.applied.outbound, {
      channelType: conversation.channelType,
      contactId: run.contactId,
      lastInboundAt: conversation.lastInboundAt ? new Date(conversation.lastInboundAt) : null,
      claimed: committed.claim,
      // A run that stopped running with this step does nothing more here: the reply's outcome may be its last write.
      ...(run.status !== 'running' && deferFinalWrite && { deferFinalWrite }),
    });
  }
}

/** A run routing started with its first steps committed in the same statement (see startWithFirstReply). */
export interface FirstReply {
  committed: Committed;
  /** The context those steps ran with (advanceRun sends the reply with it). */
  loaded: Loaded;
}

/**
 * Starts `input`'s run and commits its first reply in one statement, when the flow, run on the
 * context read with the message, gets from its trigger to a step that only answers the customer,
 * perhaps waiting for the answer (commitRepliesOnly's case), through effect-free steps: the
 * statement claims the message for routing (`claim`, with its guard) and inserts the run as it
 * stands after that step, its step rows, the reply and the wait, so routing's own statement and the
 * run's first read are not needed. Null when the flow's first commit is anything else (a delay,
 * another effect, an HTTP or AI node, which is never run ahead); nothing is written then and the
 * caller routes as usual. 'unclaimed' when the claim failed (routed before, or the guard no longer
 * holds): nothing was written.
 */
export async function startWithFirstReply(deps: AppDeps, input: StartRunInput, contextRow: FlowContextRow, claim: SQL): Promise<FirstReply | 'unclaimed' | null> {
  const now = new Date();
  const run: RunRow = {
    id: randomUUID(),
    workspaceId: input.workspaceId,
    workflowId: input.flow.workflowId,
    versionId: input.flow.versionId,
    conversationId: input.conversationId,
    contactId: input.contactId,
    trigger: input.trigger,
    status: 'running',
    currentNodeId: input.flow.trigger.id,
    nodeState: null,
    variables: {},
    stepCount: 0,
    resume: null,
    error: null,
    createdAt: now,
    updatedAt: now,
    finishedAt: null,
  };
  const context = flowContextOf(contextRow, run);
  const loaded: Loaded = { messageKey: undefined, data: context.data, settings: context.settings };
  const definition = await loadDefinition(deps.db, run.versionId);
  const pending: StepRecord[] = [];
  while (pending.length < MAX_STEPS_PER_ACTIVATION) {
    const at: Position = pending.length ? positionAfter(run, pending, definition) : { stepCount: 0, currentNodeId: run.currentNodeId, variables: {}, nodeState: null, resume: null };
    const node = definition.nodes.find((n) => n.id === at.currentNodeId);
    if (!node || CALLS_OUT.has(node.type)) return null;
    const step = await executeStep(deps, run, definition, node, at, loaded);
    if (deferrable(definition, step)) {
      pending.push(step);
      continue;
    }
    const batch = [...pending, step];
    const replies = expressRepliesOf(run, batch, loaded);
    if (!replies) return null;
    const committed = await commitRepliesOnly(deps, run, definition, batch, { replies, channelId: loaded.data.conversation!.channelId, startedBy: claim });
    return committed ? { committed, loaded } : 'unclaimed';
  }
  return null;
}

function deferrable(definition: FlowDocument, { node, result }: StepRecord): boolean {
  if (result.effects.length || result.wait || result.error || result.end || CALLS_OUT.has(node.type)) return false;
  return nextNodeId(definition, node.id, result.output) !== null;
}

/** Where a run stands before a step: its node, count, variables, and what it resumes on. */
type Position = Pick<RunRow, 'stepCount' | 'variables' | 'nodeState'> & { currentNodeId: string | null; resume: StoredResume | null };

/** Where the run stands after `pending` (all effect-free steps that each lead to a next node). */
function positionAfter(run: RunRow, pending: StepRecord[], definition: FlowDocument): Position {
  const last = pending[pending.length - 1]!;
  return { stepCount: run.stepCount + pending.length, currentNodeId: nextNodeId(definition, last.node.id, last.result.output)!, variables: variablesAfter(run, pending), nodeState: null, resume: null };
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
  const [version] = await db.select({ definition: workflowVersions.definition }).from(workflowVersions).where(eq(workflowVersions.id, versionId));
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
