import { and, eq, inArray, sql } from 'drizzle-orm';
import { runWaits, workflowRuns, type Executor } from '@switchboard/db';
import { z } from 'zod';
import { consentKeywordOn, publishConfirmation, recordConsent } from '../../consent/handle-keyword';
import type { AppDeps } from '../../context';
import type { ActiveFlow, ActiveFlowCache } from '../../flows/active-flows';
import { causeAfter, recentCausedRuns, refusal, storeRefusedRun } from '../../flows/flow-guards';
import { chooseFlow } from '../../flows/choose-flow';
import { interruptWaitingRun } from '../../flows/interrupt-wait';
import { flowsForMessage, flowsForTags } from '../../flows/match-triggers';
import { flowContextColumns, flowContextOf, type FlowContextRow } from '../../flows/run-context';
import { runIsWaiting } from '../../flows/reply-waits';
import { startRun, type RunRow } from '../../flows/start-run';
import { routeToWorkingAgent, standsOnAiAgent } from '../../flows/working-agent';
import { answerUnanswered } from '../../inbox/unanswered';
import { cancel } from '../../queue/enqueue';
import { waitTimerKey } from '../../queue/names';
import { advanceRun } from '../advance/advance';
import type { Loaded } from '../advance/commit-steps';

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
  let context: FlowContextRow | null = null;
  if (payload.kind === 'message') {
    ({ started: runIds, running: pending, rows, unanswered, context } = await routeMessage(deps, cache, payload));
  } else {
    runIds = await routeTags(deps, cache, payload);
    pending = payload.conversationId ? await runningRuns(deps.db, payload.conversationId) : runIds;
  }
  const toAdvance = [...new Set([...runIds, ...pending])];
  for (const [i, runId] of toAdvance.entries()) {
    const run = rows.find((r) => r.id === runId);
    // The context routing read holds for the first run only: its steps' effects may change it.
    const loaded = i === 0 && run && context && payload.kind === 'message' ? contextFor(run, context, payload) : undefined;
    await advanceRun(deps, runId, run && { run, loaded });
  }
  // Nothing answered: the workspace default tells the customer when a person will (inbox/unanswered.ts).
  if (payload.kind === 'message' && unanswered && !toAdvance.length) await answerUnanswered(deps, payload);
  return runIds;
}

/**
 * What routing a message needs to know, read with the message claimed and the waiting run's wait
 * locked, in one statement; with it, the flow context the first run's first step reads.
 */
type MessageRouting = FlowContextRow & {
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

/**
 * The runs routing started or resumed (as stored), those left running, whether nothing answers the
 * message, and the flow context read with the routing (null when the message was routed before).
 */
type Routed = { started: string[]; running: string[]; rows: RunRow[]; unanswered: boolean; context: FlowContextRow | null };

type MessagePayload = Extract<RouteEventPayload, { kind: 'message' }>;

/**
 * Routes a message in one transaction: claims it and reads what routing needs, then records a
 * consent keyword (STOP, START), or resumes the waiting run (interrupts it on another flow's exact
 * keyword), or leaves the message to a working AI agent, or starts the matching flows.
 */
async function routeMessage(deps: AppDeps, cache: ActiveFlowCache, payload: MessagePayload): Promise<Routed> {
  const flows = await cache.get(payload.workspaceId);
  const { routed, confirmation } = await deps.db.transaction((tx) => routeInTransaction(tx, payload, flows));
  if (confirmation) await publishConfirmation(deps, payload, confirmation);
  return routed;
}

async function routeInTransaction(
  tx: Executor,
  payload: MessagePayload,
  flows: ActiveFlow[],
): Promise<{ routed: Routed; confirmation?: string }> {
  const routing = (await tx.execute<MessageRouting>(routingStatement(payload))).rows[0]!;
  const none: Routed = { started: [], running: routing.running, rows: [], unanswered: false, context: null };
  if (routing.text === null || !routing.handled_by || !routing.channel_type || !routing.workspace) return { routed: none };
  const at: Routed = { ...none, context: routing };
  const consent = consentKeywordOn(routing.text, routing.channel_type, routing.workspace.settings);
  if (consent) return { routed: at, confirmation: await recordConsent(tx, payload, consent, routing.workspace.name) };

  const event = messageEvent(payload, routing);
  const started = (rows: RunRow[]) => ({ routed: { ...at, started: rows.map((r) => r.id), rows } });
  if (routing.wait_id && routing.wait_run_id) {
    // The one rule (chooseFlow): another flow's exact keyword interrupts the waiting question.
    const waiting = { runId: routing.wait_run_id, workflowId: routing.wait_workflow_id };
    const choice = chooseFlow(flows, event, waiting);
    if (!choice.interrupt) {
      const resumed = await resumeWaitingRun(tx, { id: routing.wait_id, ...waiting }, payload.messageId, routing.handled_by, flows);
      return started(resumed ? [resumed] : []);
    }
    const interruption = { waitId: routing.wait_id, runId: waiting.runId, start: choice.start, byName: choice.interrupt.byName };
    const runs = await interruptWaitingRun(tx, { ...interruption, runInput: (flow) => runInput(payload, flow) });
    // Null: the run stopped waiting since the read, so the message starts what it would have without it.
    if (runs) return started(runs);
  } else if (routing.agent_run_id && routing.handled_by === 'bot') {
    const agent = { runId: routing.agent_run_id, workflowId: routing.agent_workflow_id };
    return started(await routeToWorkingAgent(tx, flows, event, agent, payload.messageId, (flow) => runInput(payload, flow)));
  }
  const rows: RunRow[] = [];
  for (const flow of flowsForMessage(flows, event)) rows.push(await startRun(tx, runInput(payload, flow)));
  return { routed: { ...started(rows).routed, unanswered: !rows.length } };
}

/** The routing read: marks the message routed, locks the waiting run's wait, reads the flow context. */
function routingStatement(payload: MessagePayload) {
  return sql`
    with claimed as (
      update messages set routed_at = now()
      where id = ${payload.messageId} and routed_at is null and direction = 'in'
      returning text
    ), conversation as (
      select c.handled_by, ch.type as channel_type from conversations c join channels ch on ch.id = c.channel_id
      where c.id = ${payload.conversationId} and c.workspace_id = ${payload.workspaceId}
    ), wait as (
      select w.id, w.run_id, (select r.workflow_id from workflow_runs r where r.id = w.run_id) as workflow_id from run_waits w
      where w.conversation_id = ${payload.conversationId} and w.kind = 'reply' and w.resolved_at is null and ${runIsWaiting('w')}
      order by w.created_at limit 1
      for update of w
    ), agent as (
      select r.id, r.workflow_id from workflow_runs r
      where r.conversation_id = ${payload.conversationId} and r.status = 'running' and ${standsOnAiAgent('r')}
      order by r.created_at limit 1
    )
    select (select text from claimed) as text, conversation.handled_by, conversation.channel_type,
           wait.id as wait_id, wait.run_id as wait_run_id, wait.workflow_id as wait_workflow_id,
           agent.id as agent_run_id, agent.workflow_id as agent_workflow_id,
           array(select id from workflow_runs where conversation_id = ${payload.conversationId} and status = 'running')::text[] as running,
           ${flowContextColumns(payload, payload.messageId)}
    from (select 1) as one
    left join conversation on true
    left join wait on true
    left join agent on true`;
}

/**
 * The flow context routing read, for `run` (started by this message, or resumed by it as its
 * reply); undefined when the run belongs to another contact or conversation, whose context
 * advanceRun reads itself.
 */
function contextFor(run: RunRow, row: FlowContextRow, payload: MessagePayload): Loaded | undefined {
  if (run.workspaceId !== payload.workspaceId || run.contactId !== payload.contactId || run.conversationId !== payload.conversationId)
    return undefined;
  const resume = run.resume as { kind?: string; messageId?: string } | null;
  if (resume && (resume.kind !== 'reply' || resume.messageId !== payload.messageId)) return undefined;
  if (!resume && run.trigger.messageId !== payload.messageId) return undefined;
  const { data, settings } = flowContextOf(row, run);
  return { messageKey: resume ? payload.messageId : undefined, data, settings };
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
 * Returns it as stored, or null when the wait was cancelled because a person took over.
 */
async function resumeWaitingRun(
  tx: Executor,
  wait: { id: string; runId: string; workflowId: string | null },
  messageId: string,
  handledBy: 'bot' | 'human',
  flows: { workflowId: string; trigger: { type: string; config: unknown } }[],
): Promise<RunRow | null> {
  await tx.update(runWaits).set({ resolvedAt: new Date() }).where(eq(runWaits.id, wait.id));
  await cancel(tx, waitTimerKey(wait.runId));
  if (handledBy === 'human' && stepsBackForPerson(flows, wait.workflowId)) {
    await tx
      .update(workflowRuns)
      .set({ status: 'cancelled', error: 'A person took over the conversation', finishedAt: new Date(), updatedAt: new Date() })
      .where(eq(workflowRuns.id, wait.runId));
    return null;
  }
  const [run] = await tx
    .update(workflowRuns)
    .set({ status: 'running', resume: { kind: 'reply', messageId }, updatedAt: new Date() })
    .where(eq(workflowRuns.id, wait.runId))
    .returning();
  return run ?? null;
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
