import { sql, type SQL } from 'drizzle-orm';
import { rowOf, workflowRuns, type Database } from '@switchboard/db';
import type { TASKS } from '../jobs/index';
import { ADDED_JOB_COLUMNS, addJobCtes, type AddedJob, type JobTaker } from '../jobs/inline-job-statements';
import type { ActiveFlow } from './active-flows';
import { resolveContactSelector, selectorPhone, type ContactSelector } from './contact-selector';
import { conversationQueue, runQueue } from './queues';
import { flowContextColumns, flowContextOf, type FlowContext, type FlowContextRow, type FlowContextScope } from './run-context';
import { startRun, type RunRow } from './start-run';

/** Implemented by the flow engine's jobs; a type-only import keeps their runtime out of the HTTP routes. */
export const ADVANCE_RUN_TASK: (typeof TASKS)['advanceRun'] = 'advance_run';

export interface WebhookRunInput {
  workspaceId: string;
  flow: ActiveFlow;
  contact: ContactSelector | undefined;
  /** The webhook's JSON body: the run's trigger data. */
  body: Record<string, unknown>;
}

/** A run a flow webhook started, with its advance_run job and, for a job locked for this process, the flow context its first step reads. */
export interface StartedWebhookRun {
  run: RunRow;
  job: AddedJob | undefined;
  context: FlowContext | null;
}

type StartRow = Record<string, unknown> & AddedJob & Partial<FlowContextRow>;

/**
 * Starts a flow webhook's run and adds its advance_run job (addJobCtes, with `taker`). A known
 * customer with a conversation to use takes one statement (knownCustomerStart); everyone else a
 * transaction that finds or creates the contact and the conversation first.
 */
export async function startWebhookRun(db: Database, input: WebhookRunInput, taker: JobTaker | null): Promise<StartedWebhookRun> {
  return (await knownCustomerStart(db, input, taker)) ?? (await startInTransaction(db, input, taker));
}

/**
 * The common proactive message (a shipping update to a customer who wrote before) in one statement
 * instead of a transaction of seven round trips (BEGIN, the channel, the contact, the conversation,
 * the run, the job, COMMIT): the contact and the conversation are found as resolveContactSelector
 * finds them (see locateCustomer), and the run and its job are added only when both are there. Null
 * when nothing was started (no such contact, or no conversation to use): the transaction then
 * creates or reopens what is missing, or answers 404.
 */
async function knownCustomerStart(db: Database, input: WebhookRunInput, taker: JobTaker | null): Promise<StartedWebhookRun | null> {
  const located = input.contact && locateCustomer(input.workspaceId, input.contact);
  if (!located) return null;
  const { workspaceId, flow } = input;
  const scope: FlowContextScope = { workspaceId, contactId: sql`(select id from contact)`, conversationId: sql`(select id from conversation)` };
  const result = await db.execute<StartRow>(sql`
    with ${located.ctes}, run as (
      insert into workflow_runs (workspace_id, workflow_id, version_id, contact_id, conversation_id, trigger, status, current_node_id)
      select ${workspaceId}, ${flow.workflowId}, ${flow.versionId}, (select id from contact), conversation.id,
             ${JSON.stringify({ kind: 'webhook', body: input.body })}::jsonb, 'running', ${flow.trigger.id}
      from conversation where ${located.usable}
      returning *
    ), ${addJobCtes(ADVANCE_RUN_TASK, sql`(select json_build_object('runId', run.id) as payload, ${conversationQueue('')} || run.conversation_id as queue_name from run) as source`, taker)}
    select run.*, ${ADDED_JOB_COLUMNS}${contextColumns(scope, taker)} from run`);
  const row = result.rows[0];
  return row ? startedOf(row) : null;
}

/**
 * The `contact` and `conversation` CTEs (each selecting `id`) for a selector, as resolveContactSelector
 * reads them, and when that conversation can take the run as it is. Undefined where the statement
 * cannot follow it: a selector with a name may fill the contact's, which the statement's own flow
 * context would not see.
 * - A channel identity: the contact is touched as upsertContactIdentity does, and the newest
 *   conversation on the channel is locked, as openConversation does; it must be open (the
 *   transaction reopens a resolved one).
 * - An id, or a phone or email exactly one contact has, and that contact's conversation with the latest
 *   message, whatever its status (the transaction opens one only when there is none).
 */
export function locateCustomer(workspaceId: string, selector: ContactSelector): { ctes: SQL; usable: SQL } | undefined {
  if ('channelId' in selector) {
    if (selector.name !== undefined) return undefined;
    return {
      ctes: sql`contact as (
        update contacts c set deleted_at = null, updated_at = now()
        from contact_identities ci join channels ch on ch.id = ci.channel_id
        where ci.channel_id = ${selector.channelId} and ci.external_id = ${selector.externalId} and c.id = ci.contact_id
          and ch.workspace_id = ${workspaceId} and ch.deleted_at is null
        returning c.id
      ), conversation as (
        select cv.id, cv.status from conversations cv
        where cv.contact_id = (select id from contact) and cv.channel_id = ${selector.channelId}
        order by cv.created_at desc limit 1
        for update
      )`,
      usable: sql`conversation.status = 'open'`,
    };
  }
  // Their generic plans find the contact by key (or by workspace and phone or email) and the
  // conversation by contact: apps/server/test/generic-plans.test.ts.
  // A phone or email matches only when exactly one contact has it: otherwise the transaction
  // answers 409 ambiguous_contact (or 404), as resolveContactSelector does.
  const match = 'id' in selector ? sql`c.id = ${selector.id}` : 'phone' in selector ? sql`c.phone = ${selectorPhone(selector)}` : sql`c.email = ${selector.email}`;
  const one = 'id' in selector ? sql`order by c.updated_at desc limit 1` : sql`having count(*) = 1`;
  const id = 'id' in selector ? sql`c.id` : sql`(array_agg(c.id))[1] as id`;
  return {
    ctes: sql`contact as (
      select ${id} from contacts c where c.workspace_id = ${workspaceId} and c.deleted_at is null and ${match}
      ${one}
    ), conversation as (
      select cv.id from conversations cv
      where cv.contact_id = (select id from contact) and cv.workspace_id = ${workspaceId}
      order by cv.last_message_at desc, cv.created_at desc limit 1
    )`,
    usable: sql`true`,
  };
}

async function startInTransaction(db: Database, input: WebhookRunInput, taker: JobTaker | null): Promise<StartedWebhookRun> {
  return db.transaction(async (tx) => {
    const target = input.contact ? await resolveContactSelector(tx, input.workspaceId, input.contact) : { contactId: null, conversationId: null };
    const run = await startRun(tx, { workspaceId: input.workspaceId, flow: input.flow, ...target, trigger: { kind: 'webhook', body: input.body } });
    const source = sql`(select ${JSON.stringify({ runId: run.id })}::json as payload, ${runQueue(run)}::text as queue_name) as source`;
    const [row] = (await tx.execute<StartRow>(sql`with ${addJobCtes(ADVANCE_RUN_TASK, source, taker)} select ${ADDED_JOB_COLUMNS}${contextColumns(run, taker)}`)).rows;
    return { run, job: row, context: contextOf(row, run) };
  });
}

/** A job this process will run reads its run's flow context in the statement that adds it, so the run's first step reads nothing. */
const contextColumns = (scope: FlowContextScope, taker: JobTaker | null): SQL => (taker?.lock ? sql`, ${flowContextColumns(scope, null)}` : sql``);

function startedOf(row: StartRow): StartedWebhookRun {
  const run = rowOf(workflowRuns, row);
  return { run, job: row, context: contextOf(row, run) };
}

const contextOf = (row: StartRow | undefined, run: RunRow): FlowContext | null => (row?.workspace ? flowContextOf(row as FlowContextRow, run) : null);
