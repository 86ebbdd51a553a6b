import { sql } from 'drizzle-orm';
import { rowOf, workflowRuns, type Executor } from '@switchboard/db';
import { waitTimerKey } from './queues';
import { runIsWaiting } from './reply-waits';
import { flowContextColumns, flowContextOf, type FlowContext, type FlowContextRow } from './run-context';
import type { RunRow } from './start-run';

/** The customer's message that answers a run's question, and what routing read about it. */
export interface ReplyToWait {
  workspaceId: string;
  conversationId: string;
  contactId: string;
  messageId: string;
  waitId: string;
  runId: string;
  /** Who handled the conversation when routing read it: the statement resumes only if that still holds. */
  handledBy: 'bot' | 'human';
}

/** What resumeWithReply did: nothing (`claimed` false), or the message routed and the run resumed, with its flow context. */
export type ResumedByReply = { claimed: false } | { claimed: true; run: RunRow | null; context: FlowContext | null };

/**
 * Resumes the run waiting for this reply in one statement, where a transaction took six round trips
 * (BEGIN, the locked routing read, the wait, its timer, the run, COMMIT): the wait is resolved, its
 * timer removed, the message marked routed and the run set running with the reply to resume on, and
 * the flow context its next step reads is selected along. Guarded by what routing read: the wait is
 * still open and its run waiting, the message not routed yet, the conversation handled as read. When
 * the guard fails nothing is written (`claimed` false) and the caller takes the careful path.
 * Nothing else routes this conversation or fires its timers meanwhile: they share its job queue.
 */
export async function resumeWithReply(db: Executor, reply: ReplyToWait): Promise<ResumedByReply> {
  const scope = { workspaceId: reply.workspaceId, contactId: reply.contactId, conversationId: reply.conversationId };
  const result = await db.execute<{ claimed: number; id: string | null } & Record<string, unknown> & FlowContextRow>(sql`
    with resolved as (
      update run_waits w set resolved_at = now()
      where w.id = ${reply.waitId} and w.run_id = ${reply.runId} and w.resolved_at is null and ${runIsWaiting('w')}
        and exists (select 1 from messages m where m.id = ${reply.messageId} and m.routed_at is null and m.direction = 'in')
        and exists (select 1 from conversations c where c.id = ${reply.conversationId} and c.workspace_id = ${reply.workspaceId} and c.handled_by = ${reply.handledBy})
      returning w.run_id
    ), claimed as (
      update messages set routed_at = now() where id = ${reply.messageId} and exists (select 1 from resolved) returning id
    ), timer as (
      select public.switchboard_remove_timer(${waitTimerKey(reply.runId)}::text) from resolved
    ), run as (
      update workflow_runs set status = 'running', resume = ${JSON.stringify({ kind: 'reply', messageId: reply.messageId })}::jsonb, updated_at = now()
      where id = (select run_id from resolved) and status = 'waiting'
      returning *
    )
    select run.*, (select count(*) from claimed)::int as claimed, (select count(*) from timer)::int as timers, ${flowContextColumns(scope, reply.messageId)}
    from (select 1) as one left join run on true`);
  const row = result.rows[0]!;
  if (!row.claimed) return { claimed: false };
  if (!row.id) return { claimed: true, run: null, context: null };
  const run = rowOf(workflowRuns, row);
  // The context was read for the message's contact: the run's step may use it only if the run is theirs.
  const context = run.contactId === reply.contactId && run.conversationId === reply.conversationId ? flowContextOf(row, run) : null;
  return { claimed: true, run, context };
}
