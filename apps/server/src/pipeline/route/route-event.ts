import { and, eq, inArray, sql } from 'drizzle-orm';
import { runWaits, workflowRuns, type Executor } from '@switchboard/db';
import { z } from 'zod';
import { handleConsentKeyword } from '../../consent/handle-keyword';
import type { AppDeps } from '../../context';
import type { ActiveFlow, ActiveFlowCache } from '../../flows/active-flows';
import { causeAfter, recentCausedRuns, refusal, storeRefusedRun } from '../../flows/flow-guards';
import { interruptIfKeyword } from '../../flows/interrupt-wait';
import { flowsForMessage, flowsForTags } from '../../flows/match-triggers';
import { runIsWaiting } from '../../flows/reply-waits';
import { startRun, type RunRow } from '../../flows/start-run';
import { routeToWorkingAgent, standsOnAiAgent } from '../../flows/working-agent';
import { answerUnanswered } from '../../inbox/unanswered';
import { cancel } from '../../queue/enqueue';
import { waitTimerKey } from '../../queue/names';
import { advanceRun } from '../advance/advance';

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

/** The route_event task: parses its payload, then routes (see routeEvent). */
export async function routeEventTask(deps: AppDeps, raw: unknown): Promise<string[]> {
  return routeEvent(deps, deps.activeFlows, RouteEventPayload.parse(raw));
}

/**
 * The route stage: what does this event start or resume? A run waiting for this conversation's
 * reply resumes (unless the message is another flow's exact keyword, which interrupts it);
 * otherwise every matching published flow starts a run. The routing decision commits first (the
 * message is marked routed in the same transaction), then the runs advance in this job, which keeps
 * one conversation's events strictly ordered by its queue. A retried job finds the message routed
 * and only advances the conversation's runs that are still running.
 */
export async function routeEvent(deps: AppDeps, cache: ActiveFlowCache, payload: RouteEventPayload): Promise<string[]> {
  let runIds: string[];
  let pending: string[];
  let rows: RunRow[] = [];
  let unanswered = false;
  if (payload.kind === 'message') {
    ({ started: runIds, running: pending, rows, unanswered } = await routeMessage(deps, cache, payload));
  } else {
    runIds = await routeTags(deps, cache, payload);
    pending = payload.conversationId ? await runningRuns(deps.db, payload.conversationId) : runIds;
  }
  const toAdvance = [...new Set([...runIds, ...pending])];
  for (const runId of toAdvance) {
    const started = rows.find((r) => r.id === runId);
    await advanceRun(deps, runId, started && { run: started });
  }
  // Nothing answered: the workspace default tells the customer when a person will (inbox/unanswered.ts).
  if (payload.kind === 'message' && unanswered && !toAdvance.length) await answerUnanswered(deps, payload);
  return runIds;
}

/** What routing a message needs to know, read (and, in the transaction, the message claimed) in one statement. */
type MessageRouting = {
  /** Null when the message was routed before (a retried job) or is not an inbound message. */
  text: string | null;
  handled_by: 'bot' | 'human' | null;
  channel_type: string | null;
  wait_id: string | null;
  wait_run_id: string | null;
  wait_workflow_id: string | null;
  /** A run of this conversation working as an AI agent (not waiting): the message is its own (flows/working-agent.ts). */
  agent_run_id: string | null;
  agent_workflow_id: string | null;
  /** The conversation's runs left running (a crash mid-activation): advanced after routing. */
  running: string[];
};

/** The runs routing started or resumed (as stored), those left running, and whether nothing answers the message. */
type Routed = { started: string[]; running: string[]; rows: RunRow[]; unanswered: boolean };

type MessagePayload = Extract<RouteEventPayload, { kind: 'message' }>;

/**
 * Reads what routing needs; a consent keyword (STOP, START) or another flow's exact keyword
 * answering a waiting question is handled by its own module. Everything else routes in one
 * transaction, under the waiting run's wait lock.
 */
async function routeMessage(deps: AppDeps, cache: ActiveFlowCache, payload: MessagePayload): Promise<Routed> {
  const flows = await cache.get(payload.workspaceId);
  const routing = (await deps.db.execute<MessageRouting>(routingStatement(payload, { claim: false }))).rows[0]!;
  const running = routing.running;
  const none: Routed = { started: [], running, rows: [], unanswered: false };
  if (routing.text === null || !routing.handled_by || !routing.channel_type) return none;
  if (await handleConsentKeyword(deps, payload, routing.text, routing.channel_type)) return none;
  if (routing.wait_id && routing.wait_run_id) {
    // The one rule (chooseFlow): another flow's exact keyword interrupts the waiting question.
    const wait = {
      waitId: routing.wait_id,
      runId: routing.wait_run_id,
      workflowId: routing.wait_workflow_id,
      messageId: payload.messageId,
    };
    const interrupted = await interruptIfKeyword(deps.db, flows, messageEvent(payload, routing), wait, (flow) => runInput(payload, flow));
    if (interrupted) return { ...none, started: interrupted };
  }
  return routeInTransaction(deps, payload, flows);
}

/** The routing read; with `claim`, it also marks the message routed and locks the waiting run's wait. */
function routingStatement(payload: MessagePayload, { claim }: { claim: boolean }) {
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
    ), agent as (
      select r.id, r.workflow_id from workflow_runs r
      where r.conversation_id = ${payload.conversationId} and r.status = 'running' and ${standsOnAiAgent('r')}
      order by r.created_at limit 1
    )
    select (select text from claimed) as text, conversation.handled_by, conversation.channel_type,
           wait.id as wait_id, wait.run_id as wait_run_id, wait.workflow_id as wait_workflow_id,
           agent.id as agent_run_id, agent.workflow_id as agent_workflow_id,
           array(select id from workflow_runs where conversation_id = ${payload.conversationId} and status = 'running')::text[] as running
    from (select 1) as one
    left join conversation on true
    left join wait on true
    left join agent on true`;
}

/**
 * Only customer-started flows step back when a person takes over; a webhook, schedule or tag flow
 * that asked a question on purpose still hears the answer.
 */
function stepsBackForPerson(
  flows: { workflowId: string; trigger: { type: string; config: unknown } }[],
  workflowId: string | null,
): boolean {
  const flow = flows.find((f) => f.workflowId === workflowId);
  return flow?.trigger.type === 'trigger.message_received' && (flow.trigger.config as { onlyWhenBot?: boolean }).onlyWhenBot !== false;
}

/**
 * Claims the message and resumes the run waiting for this conversation's reply under the wait's
 * lock, or (no run waits) starts the matching flows, in one transaction.
 */
async function routeInTransaction(deps: AppDeps, payload: MessagePayload, flows: ActiveFlow[]): Promise<Routed> {
  return deps.db.transaction(async (tx) => {
    const routing = (await tx.execute<MessageRouting>(routingStatement(payload, { claim: true }))).rows[0]!;
    const running = routing.running;
    if (routing.text === null || !routing.handled_by || !routing.channel_type) return { started: [], running, rows: [], unanswered: false };
    if (routing.wait_id && routing.wait_run_id) {
      const resumed = await resumeWaitingRun(
        tx,
        { id: routing.wait_id, runId: routing.wait_run_id, workflowId: routing.wait_workflow_id },
        payload.messageId,
        routing.handled_by,
        flows,
      );
      return { started: resumed ? [resumed] : [], running, rows: [], unanswered: false };
    }
    if (routing.agent_run_id && routing.handled_by === 'bot') {
      const agent = { runId: routing.agent_run_id, workflowId: routing.agent_workflow_id };
      const started = await routeToWorkingAgent(tx, flows, messageEvent(payload, routing), agent, payload.messageId, (flow) =>
        runInput(payload, flow),
      );
      return { started: started.map((r) => r.id), running, rows: started, unanswered: false };
    }
    const rows: RunRow[] = [];
    for (const flow of matchFlows(flows, payload, routing)) rows.push(await startRun(tx, runInput(payload, flow)));
    return { started: rows.map((r) => r.id), running, rows, unanswered: !rows.length };
  });
}

function matchFlows(flows: ActiveFlow[], payload: MessagePayload, routing: Pick<MessageRouting, 'text' | 'handled_by' | 'channel_type'>) {
  return flowsForMessage(flows, messageEvent(payload, routing));
}

function messageEvent(payload: MessagePayload, routing: Pick<MessageRouting, 'text' | 'handled_by' | 'channel_type'>) {
  return {
    channelType: routing.channel_type!,
    channelId: payload.channelId,
    text: routing.text!,
    isFirstMessage: payload.isFirstMessage,
    conversationOpened: payload.conversationOpened,
    handledBy: routing.handled_by!,
  };
}

const runInput = (payload: MessagePayload, flow: ActiveFlow) => ({
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
async function resumeWaitingRun(
  tx: Executor,
  wait: { id: string; runId: string; workflowId: string | null },
  messageId: string,
  handledBy: 'bot' | 'human',
  flows: { workflowId: string; trigger: { type: string; config: unknown } }[],
) {
  await tx.update(runWaits).set({ resolvedAt: new Date() }).where(eq(runWaits.id, wait.id));
  await cancel(tx, waitTimerKey(wait.runId));
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
