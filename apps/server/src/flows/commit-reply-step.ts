import { sql, type SQL } from 'drizzle-orm';
import { messages, rowOf, type Executor, type workflowRuns } from '@switchboard/db';
import { customerAddress, type OutboundRow } from '../inbox/outbound';

type RunRow = typeof workflowRuns.$inferSelect;

/** A run_steps row, as commitSteps builds it. */
export interface StepRow {
  seq: number;
  nodeId: string;
  nodeType: string;
  status: 'completed' | 'waiting' | 'failed';
  input: Record<string, unknown>;
  output: Record<string, unknown>;
}

/** Where the run goes after the step: on to a next node, completed, or waiting at the step's node. */
export interface RunAdvance {
  status: 'running' | 'completed' | 'waiting';
  currentNodeId: string;
  /** What a waiting node keeps until it is resumed (e.g. a question's attempts). */
  nodeState?: Record<string, unknown> | null;
  variables: Record<string, unknown>;
  stepCount: number;
  updatedAt: Date;
  finishedAt?: Date;
}

/** A bot reply the step sends. */
export interface ReplyInput {
  text: string;
  attachments: { url: string }[];
  quickReplies: string[] | null;
  meta: Record<string, unknown>;
}

export interface ReplyTarget {
  workspaceId: string;
  conversationId: string;
  channelId: string;
  /** The customer: the express claim reads their address on the channel. */
  contactId: string;
}

/**
 * The first reply, already claimed for express delivery by the statement that stored it (its
 * attempt counted, as expressDeliver's own claim would), and the customer's address it read.
 */
export interface ExpressClaim {
  messageId: string;
  to: string | null;
}

/**
 * Commits the most common step there is, a bot answering (its only effects are replies sent right
 * after commit, see jobs/express-delivery.ts), in one statement instead of a transaction of six round
 * trips (BEGIN, the step rows, the reply, the conversation's last_message_at, the run, COMMIT). The
 * same guard decides: the run must still be running at the step count this activation read; when
 * it is not, nothing is written (every insert depends on the guarded update) and this returns null.
 * The replies are stored exactly as queueOutboundMessage stores an express reply. A step that also
 * waits (a question) starts its wait here too, as startWait does in the transaction (`wait`).
 *
 * The same statement makes express delivery's claim on the first reply (jobs/express-delivery.ts):
 * its attempt is counted, unless an earlier reply of the conversation is still queued, and the
 * customer's address is read. That saves the claim's round trip before the provider call; it is
 * also why this commit stays synchronous.
 */
export async function commitReplyStep(
  db: Executor,
  run: RunRow,
  advance: RunAdvance,
  steps: StepRow[],
  target: ReplyTarget,
  replies: ReplyInput[],
  { startedBy, wait }: { startedBy?: SQL; wait?: StepWait } = {},
): Promise<{ run: RunRow; replies: OutboundRow[]; claim: ExpressClaim | null } | null> {
  const result = await db.execute<Record<string, unknown>>(sql`
    with ${startedBy ? insertedRun(run, advance, startedBy) : advancedRun(run, advance)}, ${wait ? waitCtes(target, wait) : sql``} steps as (
      insert into run_steps (workspace_id, run_id, seq, node_id, node_type, status, input, output, finished_at)
      select ${run.workspaceId}, run.id, s.seq, s."nodeId", s."nodeType", s.status, s.input, s.output, ${advance.updatedAt.toISOString()}::timestamptz
      from run, jsonb_to_recordset(${JSON.stringify(steps)}::jsonb) as s(seq int, "nodeId" text, "nodeType" text, status text, input jsonb, output jsonb)
    ), touched as (
      update conversations set last_message_at = greatest(last_message_at, now()), updated_at = now()
      where id = ${target.conversationId} and workspace_id = ${target.workspaceId} and exists (select 1 from run)
    ), queued_before as (
      select exists (
        select 1 from messages earlier
        where earlier.conversation_id = ${target.conversationId} and earlier.direction = 'out' and earlier.status = 'queued' and not earlier.private
      ) as queued
    ), address as (${customerAddress(target.contactId, target.channelId)})
    insert into messages (workspace_id, conversation_id, channel_id, direction, author, text, attachments, quick_replies, meta, private, status, run_id, attempts)
    select ${target.workspaceId}, ${target.conversationId}, ${target.channelId}, 'out', 'bot', r.text, r.attachments, r."quickReplies", r.meta, false, 'queued', run.id,
           case when r.ord = 0 and not (select queued from queued_before) then 1 else 0 end
    from run, jsonb_to_recordset(${JSON.stringify(replies.map((reply, ord) => ({ ...reply, ord })))}::jsonb)
      as r(text text, attachments jsonb, "quickReplies" jsonb, meta jsonb, ord int)
    order by r.ord
    returning *, (select external_id from address) as express_to${wait ? sql`, (select count(*) from timer) as timers` : sql``}`);
  if (!result.rows.length) return null;
  const rows = result.rows.map((raw) => rowOf(messages, raw));
  const first = rows[0]!;
  const claim = first.attempts > 0 ? { messageId: first.id, to: (result.rows[0]!.express_to as string | null) ?? null } : null;
  return { run: { ...run, ...advance, nodeState: advance.nodeState ?? null, resume: null, finishedAt: advance.finishedAt ?? run.finishedAt }, replies: rows, claim };
}

/** The wait a step starts with its replies (a question): its row, and its timer when it expires. */
export interface StepWait {
  kind: 'reply' | 'delay';
  nodeId: string;
  expiresAt: Date | null;
  /** The timer job's queue and key (see startWait in advance.ts, which this mirrors). */
  queueName: string;
  jobKey: string;
}

/**
 * The `wait` and `timer` CTEs: the run's wait, and its resume_wait timer added without a NOTIFY
 * (switchboard_add_timer). A CTE that is only a SELECT runs when read: the statement's RETURNING
 * reads `timer`.
 */
const waitCtes = (target: ReplyTarget, wait: StepWait) => sql`
    wait as (
      insert into run_waits (workspace_id, run_id, kind, conversation_id, node_id, expires_at)
      select ${target.workspaceId}, run.id, ${wait.kind}, ${target.conversationId}, ${wait.nodeId}, ${wait.expiresAt?.toISOString() ?? null}::timestamptz from run
      returning id, run_id, expires_at
    ), timer as (
      select public.switchboard_add_timer('resume_wait', json_build_object('runId', wait.run_id, 'waitId', wait.id), ${wait.queueName}::text, wait.expires_at, ${wait.jobKey}::text)
      from wait where wait.expires_at is not null
    ),`;

/** The `run` CTE: the stored run moves on, if it is still where this activation read it. */
const advancedRun = (run: RunRow, advance: RunAdvance) => sql`
    run as (
      update workflow_runs set status = ${advance.status}, current_node_id = ${advance.currentNodeId},
        node_state = ${advance.nodeState ? JSON.stringify(advance.nodeState) : null}::jsonb,
        variables = ${JSON.stringify(advance.variables)}::jsonb, step_count = ${advance.stepCount}, resume = null,
        updated_at = ${advance.updatedAt.toISOString()}::timestamptz,
        finished_at = coalesce(${advance.finishedAt?.toISOString() ?? null}::timestamptz, finished_at)
      where id = ${run.id} and status = 'running' and step_count = ${run.stepCount}
      returning id
    )`;

/**
 * The `run` CTE of a run that does not exist yet (see startWithFirstReply): it is inserted as it
 * stands after the step, only if the `startedBy` UPDATE (routing claiming its message) changes a row.
 */
const insertedRun = (run: RunRow, advance: RunAdvance, startedBy: SQL) => sql`
    started_by as (${startedBy} returning 1), run as (
      insert into workflow_runs (id, workspace_id, workflow_id, version_id, contact_id, conversation_id, trigger, status, current_node_id,
                                 node_state, variables, step_count, created_at, updated_at, finished_at)
      select ${run.id}::uuid, ${run.workspaceId}::uuid, ${run.workflowId}::uuid, ${run.versionId}::uuid, ${run.contactId}::uuid, ${run.conversationId}::uuid,
             ${JSON.stringify(run.trigger)}::jsonb, ${advance.status}, ${advance.currentNodeId},
             ${advance.nodeState ? JSON.stringify(advance.nodeState) : null}::jsonb, ${JSON.stringify(advance.variables)}::jsonb, ${advance.stepCount},
             ${run.createdAt.toISOString()}::timestamptz, ${advance.updatedAt.toISOString()}::timestamptz, ${advance.finishedAt?.toISOString() ?? null}::timestamptz
      where exists (select 1 from started_by)
      returning id
    )`;
