import { and, eq, inArray, sql } from 'drizzle-orm';
import { removeTimer, runWaits, workflowRuns, type Executor } from '@switchboard/db';
import { z } from 'zod';
import type { AppDeps } from '../context';
import type { ActiveFlow, ActiveFlowCache } from '../flows/active-flows';
import { advanceRun, startWithFirstReply, type FirstReply } from '../flows/advance';
import { causeAfter, recentCausedRuns, refusal, storeRefusedRun } from '../flows/flow-guards';
import { flowsForMessage, flowsForTags } from '../flows/match-triggers';
import type { FlowContext, FlowContextRow } from '../flows/run-context';
import { waitTimerKey } from '../flows/queues';
import { runIsWaiting } from '../flows/reply-waits';
import { resumeWithReply } from '../flows/resume-with-reply';
import { claimMessage, routeMessageToRuns, startRun, type RunRow } from '../flows/start-run';
import type { DeferFinalWrite } from './inline-job-statements';

export const RouteEventPayload = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('message'),
    workspaceId: z.string().uuid(),
    conversationId: z.string().uuid(),
    messageId: z.string().uuid(),
    contactId: z.string().uuid(),
    channelId: z.string().uuid(),
    isFirstMessage: z.boolean().default(false),
    conversationOpened: z.boolean().default(false),
    hints: z.object({ text: z.string(), handledBy: z.enum(['bot', 'human']), channelType: z.string() }).nullish(),
  }),
  z.object({
    kind: z.literal('tag_added'),
    workspaceId: z.string().uuid(),
    contactId: z.string().uuid(),
    conversationId: z.string().uuid().nullable(),
    tags: z.array(z.string()),
    sourceRunId: z.string().uuid().optional(),
  }),
]);
export type RouteEventPayload = z.infer<typeof RouteEventPayload>;

/**
 * route_event: what does this event start or resume? A run waiting for this
 * conversation's reply resumes; otherwise every matching published flow starts a run.
 * The routing decision commits first (the message is marked routed in the same
 * transaction), then the runs advance inline in this job, which keeps one conversation's
 * events strictly ordered by its queue. A retried job finds the message routed and only
 * advances the conversation's runs that are still running.
 */
export async function routeEvent(deps: AppDeps, cache: ActiveFlowCache, raw: unknown, deferFinalWrite?: DeferFinalWrite, stored?: FlowContextRow): Promise<string[]> {
  const payload = RouteEventPayload.parse(raw);
  let runIds: string[];
  let pending: string[];
  let rows: RunRow[] = [];
  let context: FlowContext | null = null;
  let firstStep: FirstReply | undefined;
  let contextMessageId: string | undefined;
  if (payload.kind === 'message') {
    ({ started: runIds, running: pending, rows, context, contextMessageId, firstStep } = await routeMessage(deps, cache, payload, stored));
  } else {
    runIds = await routeTags(deps, cache, payload);
    pending = payload.conversationId ? await runningRuns(deps.db, payload.conversationId) : runIds;
  }
  const toAdvance = [...new Set([...runIds, ...pending])];
  for (const [i, runId] of toAdvance.entries()) {
    const started = rows.find((r) => r.id === runId);
    // Only the last run's last write can wait for the job's completion: nothing of this job follows it.
    await advanceRun(deps, runId, started && { run: started, context, contextMessageId, ...(firstStep?.committed.run.id === runId && { firstStep }) }, i === toAdvance.length - 1 ? deferFinalWrite : undefined);
    // Read before any run moved: only the first run may use it (the next ones see its effects).
    context = null;
  }
  return runIds;
}

/** What routing a message needs to know, read (and the message claimed) in one statement. */
type MessageRouting = {
  /** Null when the message was routed before (a retried job) or is not an inbound message. */
  text: string | null;
  handled_by: 'bot' | 'human' | null;
  channel_type: string | null;
  wait_id: string | null;
  wait_run_id: string | null;
  wait_workflow_id: string | null;
  /** The conversation's runs left running (a crash mid-activation): advanced after routing. */
  running: string[];
};

/**
 * The runs routing started (`rows` and `context` when started in one statement, see
 * routeMessageToRuns; `firstStep` when that statement also committed the run's first reply, see
 * startWithFirstReply) and those left running.
 */
type Routed = { started: string[]; running: string[]; rows: RunRow[]; context: FlowContext | null; contextMessageId?: string; firstStep?: FirstReply };

/**
 * Reads what routing needs without a lock; then the common case (no run waiting for a reply)
 * claims the message and starts its runs in one statement, no transaction: two round trips where a
 * locked read inside BEGIN/COMMIT took four. Nothing else routes this conversation meanwhile: its
 * jobs share one Graphile queue. A waiting run is resumed in one statement guarded by the read
 * (resumeInOneStatement), or else the careful way, in a transaction.
 */
async function routeMessage(deps: AppDeps, cache: ActiveFlowCache, payload: Extract<RouteEventPayload, { kind: 'message' }>, stored?: FlowContextRow): Promise<Routed> {
  const flows = await cache.get(payload.workspaceId);
  const { hints } = payload;
  if (hints) {
    // As the message was stored: if that still holds (no wait, no run left running, the same
    // handler), one statement claims it and starts its runs; otherwise the read below decides.
    const routing = { text: hints.text, handled_by: hints.handledBy, channel_type: hints.channelType };
    const guard = { workspaceId: payload.workspaceId, conversationId: payload.conversationId, handledBy: hints.handledBy };
    const inputs = matchFlows(flows, payload, routing).map((flow) => runInput(payload, flow));
    // One flow, and the context read with the message: its first reply may commit with the routing.
    const first = stored && inputs.length === 1 ? await startWithFirstReply(deps, inputs[0]!, stored, claimMessage(payload.messageId, guard)) : null;
    if (first && first !== 'unclaimed') {
      const run = first.committed.run;
      return { started: [run.id], running: [], rows: [run], context: null, firstStep: first };
    }
    if (!first) {
      const routed = await routeMessageToRuns(deps.db, payload.messageId, inputs, guard);
      if (routed.claimed) return { started: routed.runs.map((r) => r.id), running: [], rows: routed.runs, context: routed.context };
    }
  }
  const read = await deps.db.execute<MessageRouting>(routingStatement(payload, { claim: false }));
  const routing = read.rows[0]!;
  const running = routing.running;
  if (routing.text === null || !routing.handled_by || !routing.channel_type) return { started: [], running, rows: [], context: null };
  if (routing.wait_id) return (await resumeInOneStatement(deps, payload, routing, running, flows)) ?? routeInTransaction(deps, payload, flows);
  const { runs, context } = await routeMessageToRuns(deps.db, payload.messageId, matchFlows(flows, payload, routing).map((flow) => runInput(payload, flow)));
  return { started: runs.map((r) => r.id), running, rows: runs, context };
}

/** The routing read; with `claim`, it also marks the message routed and locks the waiting run's wait. */
function routingStatement(payload: Extract<RouteEventPayload, { kind: 'message' }>, { claim }: { claim: boolean }) {
  const text = claim
    ? sql`claimed as (
        update messages set routed_at = now()
        where id = ${payload.messageId} and routed_at is null and direction = 'in'
        returning text
      )`
    : sql`claimed as (select text from messages where id = ${payload.messageId} and routed_at is null and direction = 'in')`;
  return sql`
    with ${text}, conversation as (
      select c.handled_by, ch.type as channel_type from conversations c join channels ch on ch.id = c.channel_id
      where c.id = ${payload.conversationId} and c.workspace_id = ${payload.workspaceId}
    ), wait as (
      select w.id, w.run_id, (select r.workflow_id from workflow_runs r where r.id = w.run_id) as workflow_id from run_waits w
      where w.conversation_id = ${payload.conversationId} and w.kind = 'reply' and w.resolved_at is null and ${runIsWaiting('w')}
      order by w.created_at limit 1
      ${claim ? sql`for update of w` : sql``}
    )
    select (select text from claimed) as text, conversation.handled_by, conversation.channel_type,
           wait.id as wait_id, wait.run_id as wait_run_id, wait.workflow_id as wait_workflow_id,
           array(select id from workflow_runs where conversation_id = ${payload.conversationId} and status = 'running')::text[] as running
    from (select 1) as one
    left join conversation on true
    left join wait on true`;
}

/**
 * A run waits for this conversation's reply: resume it in one statement (resumeWithReply), guarded
 * by what the read saw. Null when that does not apply (a person took over a flow that steps back
 * for them, which cancels the run) or its guard failed: nothing was written, and routeInTransaction
 * decides under the wait's lock.
 */
async function resumeInOneStatement(deps: AppDeps, payload: Extract<RouteEventPayload, { kind: 'message' }>, routing: MessageRouting, running: string[], flows: ActiveFlow[]): Promise<Routed | null> {
  if (!routing.wait_id || !routing.wait_run_id || !routing.handled_by) return null;
  if (routing.handled_by === 'human' && stepsBackForPerson(flows, routing.wait_workflow_id)) return null;
  const { workspaceId, conversationId, contactId, messageId } = payload;
  const resumed = await resumeWithReply(deps.db, { workspaceId, conversationId, contactId, messageId, waitId: routing.wait_id, runId: routing.wait_run_id, handledBy: routing.handled_by });
  if (!resumed.claimed) return null;
  const rows = resumed.run ? [resumed.run] : [];
  return { started: rows.map((r) => r.id), running, rows, context: resumed.context, contextMessageId: messageId };
}

/**
 * Only customer-started flows step back when a person takes over; a webhook, schedule or tag flow
 * that asked a question on purpose still hears the answer.
 */
function stepsBackForPerson(flows: { workflowId: string; trigger: { type: string; config: unknown } }[], workflowId: string | null): boolean {
  const flow = flows.find((f) => f.workflowId === workflowId);
  return flow?.trigger.type === 'trigger.message_received' && (flow.trigger.config as { onlyWhenBot?: boolean }).onlyWhenBot !== false;
}

/**
 * A run waits for this conversation's reply: claim the message and resume it under the wait's
 * lock, or (the wait went away since the read) start the matching flows, in one transaction.
 */
async function routeInTransaction(deps: AppDeps, payload: Extract<RouteEventPayload, { kind: 'message' }>, flows: ActiveFlow[]): Promise<Routed> {
  return deps.db.transaction(async (tx) => {
    const routing = (await tx.execute<MessageRouting>(routingStatement(payload, { claim: true }))).rows[0]!;
    const running = routing.running;
    if (routing.text === null || !routing.handled_by || !routing.channel_type) return { started: [], running, rows: [], context: null };
    if (routing.wait_id && routing.wait_run_id) {
      const resumed = await resumeWaitingRun(tx, { id: routing.wait_id, runId: routing.wait_run_id, workflowId: routing.wait_workflow_id }, payload.messageId, routing.handled_by, flows);
      return { started: resumed ? [resumed] : [], running, rows: [], context: null };
    }
    const ids: string[] = [];
    for (const flow of matchFlows(flows, payload, routing)) ids.push((await startRun(tx, runInput(payload, flow))).id);
    return { started: ids, running, rows: [], context: null };
  });
}

function matchFlows(flows: ActiveFlow[], payload: Extract<RouteEventPayload, { kind: 'message' }>, routing: Pick<MessageRouting, 'text' | 'handled_by' | 'channel_type'>) {
  return flowsForMessage(flows, {
    channelType: routing.channel_type!,
    channelId: payload.channelId,
    text: routing.text!,
    isFirstMessage: payload.isFirstMessage,
    conversationOpened: payload.conversationOpened,
    handledBy: routing.handled_by!,
  });
}

const runInput = (payload: Extract<RouteEventPayload, { kind: 'message' }>, flow: ActiveFlow) => ({
  workspaceId: payload.workspaceId,
  flow,
  contactId: payload.contactId,
  conversationId: payload.conversationId,
  trigger: { kind: 'message', messageId: payload.messageId, channelId: payload.channelId },
});

/**
 * Resumes the run waiting for this conversation's reply (its wait row locked by the caller).
 * Returns its id, or null when the wait was cancelled because a person took over.
 */
async function resumeWaitingRun(tx: Executor, wait: { id: string; runId: string; workflowId: string | null }, messageId: string, handledBy: 'bot' | 'human', flows: { workflowId: string; trigger: { type: string; config: unknown } }[]) {
  await tx.update(runWaits).set({ resolvedAt: new Date() }).where(eq(runWaits.id, wait.id));
  await removeTimer(tx, waitTimerKey(wait.runId));
  if (handledBy === 'human' && stepsBackForPerson(flows, wait.workflowId)) {
    await tx
      .update(workflowRuns)
      .set({ status: 'cancelled', error: 'A person took over the conversation', finishedAt: new Date(), updatedAt: new Date() })
      .where(eq(workflowRuns.id, wait.runId));
    return null;
  }
  await tx
    .update(workflowRuns)
    .set({ status: 'running', resume: { kind: 'reply', messageId }, updatedAt: new Date() })
    .where(eq(workflowRuns.id, wait.runId));
  return wait.runId;
}

/**
 * Starts the flows the added tags trigger. A tag a run added carries that run's causal chain (see
 * flow-guards.ts): a run too deep in a chain of flows, or past the contact's runs per minute, is
 * stored as failed with the reason instead of starting.
 */
async function routeTags(deps: AppDeps, cache: ActiveFlowCache, payload: Extract<RouteEventPayload, { kind: 'tag_added' }>) {
  const active = await cache.get(payload.workspaceId);
  const flows = flowsForTags(active, payload.tags);
  if (!flows.length) return [];
  return deps.db.transaction(async (tx) => {
    const source = payload.sourceRunId ? await causeAfter(tx, payload.sourceRunId) : null;
    let recent = await recentCausedRuns(tx, payload.contactId);
    const names = new Map(active.map((f) => [f.workflowId, f.name]));
    const ids: string[] = [];
    for (const flow of flows) {
      // No self-triggering: a run that added the tag does not restart its own flow.
      if (source?.sourceWorkflowId === flow.workflowId) continue;
      const input = {
        workspaceId: payload.workspaceId,
        flow,
        contactId: payload.contactId,
        conversationId: payload.conversationId,
        trigger: { kind: 'tag_added', tags: payload.tags, ...(source && { cause: source.cause }) },
      };
      const refused = refusal(source?.cause, recent, flow, names);
      if (refused) {
        await storeRefusedRun(tx, input, refused);
        continue;
      }
      ids.push((await startRun(tx, input)).id);
      recent++;
    }
    return ids;
  });
}

async function runningRuns(db: Executor, conversationId: string): Promise<string[]> {
  const rows = await db
    .select({ id: workflowRuns.id })
    .from(workflowRuns)
    .where(and(eq(workflowRuns.conversationId, conversationId), inArray(workflowRuns.status, ['running'])));
  return rows.map((r) => r.id);
}
