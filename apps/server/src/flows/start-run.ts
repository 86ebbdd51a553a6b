import { sql } from 'drizzle-orm';
import { commitsLazily, rowOf, workflowRuns, type Executor } from '@switchboard/db';
import { optOutReason } from '../consent/opt-outs';
import type { ActiveFlow } from './active-flows';
import { waitingForReply } from './reply-waits';
import { flowContextColumns, flowContextOf, type FlowContext, type FlowContextRow } from './run-context';

export type RunRow = typeof workflowRuns.$inferSelect;

export interface StartRunInput {
  workspaceId: string;
  flow: ActiveFlow;
  contactId: string | null;
  conversationId: string | null;
  trigger: Record<string, unknown>;
}

/** A run's row pinned to the flow's published version, positioned on its trigger node. */
export function runValues(input: StartRunInput) {
  return {
    workspaceId: input.workspaceId,
    workflowId: input.flow.workflowId,
    versionId: input.flow.versionId,
    contactId: input.contactId,
    conversationId: input.conversationId,
    trigger: input.trigger,
    currentNodeId: input.flow.trigger.id,
  };
}

/**
 * Creates a run, ready to advance from its trigger node; returns it as stored. A run the business
 * starts (schedule, webhook, tag) for a contact who opted out on the conversation's channel is
 * stored as failed with that reason instead.
 */
export async function startRun(tx: Executor, input: StartRunInput): Promise<RunRow> {
  const optedOut = input.trigger.kind !== 'message' && input.conversationId ? await optOutReason(tx, input.conversationId) : null;
  const [run] = await tx
    .insert(workflowRuns)
    .values({ ...runValues(input), ...(optedOut ? { status: 'failed', error: optedOut, finishedAt: new Date() } : { status: 'running' }) })
    .returning();
  return run!;
}

/** Runs a message started, as stored, and the flow context their first step reads (null when none started). */
export interface RoutedRuns {
  /** False when the message was routed before, or the guard did not hold: nothing was written. */
  claimed: boolean;
  runs: RunRow[];
  context: FlowContext | null;
}

/** What routing assumed of the conversation without reading it (see the route_event payload's hints). */
export interface RoutingGuard {
  workspaceId: string;
  conversationId: string;
  handledBy: 'bot' | 'human';
}

/**
 * The guard's conditions: the conversation is handled as assumed, no run waits for its reply and
 * none was left running (each of those needs the careful path).
 */
const holds = (guard: RoutingGuard) => sql`
  exists (select 1 from conversations c where c.id = ${guard.conversationId} and c.workspace_id = ${guard.workspaceId} and c.handled_by = ${guard.handledBy})
  and not exists (${waitingForReply(guard.conversationId)})
  and not exists (select 1 from workflow_runs r where r.conversation_id = ${guard.conversationId} and r.status = 'running')`;

/** Marks an inbound message routed, if no one did and the guard (if any) holds: an UPDATE to put in a CTE. */
export const claimMessage = (messageId: string, guard?: RoutingGuard) => sql`update messages set routed_at = now()
    where id = ${messageId} and routed_at is null and direction = 'in' ${guard ? sql`and ${holds(guard)}` : sql``}`;

/**
 * Marks an inbound message routed and starts its runs, in one statement (so, atomically, without a
 * transaction around it): the runs exist only if this call is the one that routed the message,
 * and, with a `guard`, only if the guard holds. Returns the runs as stored, so the first activation
 * does not read them back, and the flow context their first step reads (every input shares the
 * message's workspace, contact and conversation), read by the same statement. It commits lazily
 * (see commitsLazily): a lost routing is routed again.
 */
export async function routeMessageToRuns(db: Executor, messageId: string, inputs: StartRunInput[], guard?: RoutingGuard): Promise<RoutedRuns> {
  const claim = claimMessage(messageId, guard);
  if (!inputs.length) {
    const result = await db.execute(sql`${claim} and ${commitsLazily}`);
    return { claimed: (result.rowCount ?? 0) > 0, runs: [], context: null };
  }
  const values = inputs.map(
    (input) =>
      sql`(${input.workspaceId}::uuid, ${input.flow.workflowId}::uuid, ${input.flow.versionId}::uuid, ${input.contactId}::uuid,
           ${input.conversationId}::uuid, ${JSON.stringify(input.trigger)}::jsonb, ${input.flow.trigger.id}::text)`,
  );
  const result = await db.execute<Record<string, unknown> & FlowContextRow>(sql`
    with claimed as (${claim} returning id), runs as (
      insert into workflow_runs (workspace_id, workflow_id, version_id, contact_id, conversation_id, trigger, status, current_node_id)
      select v.workspace_id, v.workflow_id, v.version_id, v.contact_id, v.conversation_id, v.trigger, 'running', v.current_node_id
      from (values ${sql.join(values, sql`, `)}) as v(workspace_id, workflow_id, version_id, contact_id, conversation_id, trigger, current_node_id)
      where exists (select 1 from claimed) and ${commitsLazily}
      returning *
    )
    select runs.*, ${flowContextColumns(inputs[0]!, messageId)} from runs`);
  const runs = result.rows.map((raw) => rowOf(workflowRuns, raw));
  return { claimed: runs.length > 0, runs, context: runs.length ? flowContextOf(result.rows[0]!, runs[0]!) : null };
}
