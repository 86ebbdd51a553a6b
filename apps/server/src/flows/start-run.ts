import { getTableColumns, sql } from 'drizzle-orm';
import { workflowRuns, type Executor } from '@switchboard/db';
import type { ActiveFlow } from './active-flows';

export type RunRow = typeof workflowRuns.$inferSelect;

export interface StartRunInput {
  workspaceId: string;
  flow: ActiveFlow;
  contactId: string | null;
  conversationId: string | null;
  trigger: Record<string, unknown>;
}

/** Creates a run pinned to the flow's published version, positioned on its trigger node. */
export async function startRun(tx: Executor, input: StartRunInput): Promise<string> {
  const [run] = await tx
    .insert(workflowRuns)
    .values({
      workspaceId: input.workspaceId,
      workflowId: input.flow.workflowId,
      versionId: input.flow.versionId,
      contactId: input.contactId,
      conversationId: input.conversationId,
      trigger: input.trigger,
      status: 'running',
      currentNodeId: input.flow.trigger.id,
    })
    .returning({ id: workflowRuns.id });
  return run!.id;
}

/**
 * Marks an inbound message routed and starts its runs, in one statement (so, atomically, without a
 * transaction around it): the runs exist only if this call is the one that routed the message.
 * Returns the runs as stored (none when the message was routed before), so the first activation
 * does not read them back.
 */
export async function routeMessageToRuns(db: Executor, messageId: string, inputs: StartRunInput[]): Promise<RunRow[]> {
  if (!inputs.length) {
    await db.execute(sql`update messages set routed_at = now() where id = ${messageId} and routed_at is null and direction = 'in'`);
    return [];
  }
  const values = inputs.map(
    (input) =>
      sql`(${input.workspaceId}::uuid, ${input.flow.workflowId}::uuid, ${input.flow.versionId}::uuid, ${input.contactId}::uuid,
           ${input.conversationId}::uuid, ${JSON.stringify(input.trigger)}::jsonb, ${input.flow.trigger.id}::text)`,
  );
  const result = await db.execute<Record<string, unknown>>(sql`
    with claimed as (
      update messages set routed_at = now() where id = ${messageId} and routed_at is null and direction = 'in' returning id
    )
    insert into workflow_runs (workspace_id, workflow_id, version_id, contact_id, conversation_id, trigger, status, current_node_id)
    select v.workspace_id, v.workflow_id, v.version_id, v.contact_id, v.conversation_id, v.trigger, 'running', v.current_node_id
    from (values ${sql.join(values, sql`, `)}) as v(workspace_id, workflow_id, version_id, contact_id, conversation_id, trigger, current_node_id)
    where exists (select 1 from claimed)
    returning *`);
  return result.rows.map(runFromRow);
}

const RUN_COLUMNS = Object.entries(getTableColumns(workflowRuns));

/** A raw `returning *` row as drizzle would have read it (dates as Date, JSON parsed). */
function runFromRow(row: Record<string, unknown>): RunRow {
  const run: Record<string, unknown> = {};
  for (const [key, column] of RUN_COLUMNS) {
    const value = row[column.name];
    run[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return run as RunRow;
}
