import { sql } from 'drizzle-orm';
import type { Executor } from '@switchboard/db';

/** Runs looked at per round: each round is two short statements over at most this many runs. */
const RUN_PAGE = 500;

/**
 * Clears, in one workspace, what flow runs created before `cutoff` kept of a conversation: the
 * steps' input, output and error, and, for runs that have ended, the trigger's data (its kind
 * stays, for statistics), variables, node state, pending resume and error. A run still waiting
 * keeps its own state (it needs it to go on) but not its old steps. Runs are read through the
 * (workspace, created_at) index in pages; rows already cleared are not written again. Answers how
 * many runs had something cleared.
 */
export async function clearRunsOlderThan(db: Executor, workspaceId: string, cutoff: Date): Promise<number> {
  const before = cutoff.toISOString();
  let cleared = 0;
  let after: { at: string; id: string } | null = null;
  for (;;) {
    const position: ReturnType<typeof sql> = after ? sql`and (created_at, id) > (${after.at}::timestamptz, ${after.id}::uuid)` : sql``;
    const page = await db.execute<{ id: string; at: string }>(sql`
      select id, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at from workflow_runs
      where workspace_id = ${workspaceId} and created_at < ${before}::timestamptz ${position}
      order by created_at, id limit ${RUN_PAGE}`);
    if (!page.rows.length) return cleared;
    // Ids read from the database, passed as one array parameter.
    const ids = `{${page.rows.map((r) => r.id).join(',')}}`;
    const steps = await db.execute<{ run_id: string }>(sql`
      update run_steps set input = null, output = null, error = null
      where run_id = any(${ids}::uuid[]) and workspace_id = ${workspaceId} and started_at < ${before}::timestamptz
        and (input is not null or output is not null or error is not null)
      returning run_id`);
    const runs = await db.execute<{ id: string }>(sql`
      update workflow_runs set
        trigger = jsonb_build_object('kind', trigger->'kind'), variables = '{}'::jsonb, node_state = null, resume = null, error = null, updated_at = now()
      where id = any(${ids}::uuid[]) and workspace_id = ${workspaceId} and status not in ('running', 'waiting')
        and (trigger - 'kind' <> '{}'::jsonb or variables <> '{}'::jsonb or node_state is not null or resume is not null or error is not null)
      returning id`);
    cleared += new Set([...steps.rows.map((r) => r.run_id), ...runs.rows.map((r) => r.id)]).size;
    const last = page.rows.at(-1)!;
    after = { at: last.at, id: last.id };
    if (page.rows.length < RUN_PAGE) return cleared;
  }
}
