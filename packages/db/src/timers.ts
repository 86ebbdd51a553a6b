import { sql } from 'drizzle-orm';
import type { Executor } from './client';

/**
 * Graphile Worker's add_job and remove_job for a job due later (a question's timeout, a delay), as
 * functions of our own: the same writes (graphile-worker 0.16.6, sql/000018.sql: add_jobs for one
 * spec in 'replace' mode, remove_job), without the `jobs:insert` NOTIFY. That NOTIFY wakes every
 * idle worker into get_job, which finds nothing due when the job is for later: in the benchmark's
 * ask phase, 2,191 get_job calls for 1,000 questions (0.79 ms and 280 WAL records each). The
 * worker's poll (every 2 s) picks the job up once it is due; a job due now still notifies.
 * Created after Graphile's migrations, on every boot (create or replace), like its extra index.
 */
export const TIMER_FUNCTIONS = `
create or replace function public.switchboard_add_timer(identifier text, payload json, queue_name text, run_at timestamptz, job_key text, max_attempts smallint default 25)
returns void language plpgsql as $$
begin
  insert into graphile_worker._private_tasks as tasks (identifier) values (switchboard_add_timer.identifier) on conflict do nothing;
  if switchboard_add_timer.queue_name is not null then
    insert into graphile_worker._private_job_queues as job_queues (queue_name) values (switchboard_add_timer.queue_name) on conflict do nothing;
  end if;
  -- A job with this key that already started keeps running, without the key: the new one replaces it.
  update graphile_worker._private_jobs as jobs set key = null, attempts = jobs.max_attempts, updated_at = now()
  where jobs.key = switchboard_add_timer.job_key and is_available is not true;
  insert into graphile_worker._private_jobs as jobs (job_queue_id, task_id, payload, run_at, max_attempts, key, priority)
  select job_queues.id, tasks.id, coalesce(switchboard_add_timer.payload, '{}'::json), switchboard_add_timer.run_at, switchboard_add_timer.max_attempts, switchboard_add_timer.job_key, 0
  from graphile_worker._private_tasks as tasks
  left join graphile_worker._private_job_queues as job_queues on job_queues.queue_name = switchboard_add_timer.queue_name
  where tasks.identifier = switchboard_add_timer.identifier
  on conflict (key) do update set
    job_queue_id = excluded.job_queue_id, task_id = excluded.task_id, payload = excluded.payload, max_attempts = excluded.max_attempts,
    run_at = excluded.run_at, priority = excluded.priority, revision = jobs.revision + 1, flags = excluded.flags,
    attempts = 0, last_error = null, updated_at = now()
  where jobs.locked_at is null;
  if switchboard_add_timer.run_at <= now() then
    perform pg_notify('jobs:insert', '{"r":' || random()::text || ',"count":1}');
  end if;
end;
$$;

create or replace function public.switchboard_remove_timer(job_key text)
returns void language plpgsql as $$
begin
  delete from graphile_worker._private_jobs as jobs
  where jobs.key = switchboard_remove_timer.job_key and (jobs.locked_at is null or jobs.locked_at < now() - interval '4 hours');
  if not found then
    -- It is running: it must not run again, and the key is free for a new timer.
    update graphile_worker._private_jobs as jobs set key = null, attempts = jobs.max_attempts, updated_at = now()
    where jobs.key = switchboard_remove_timer.job_key and jobs.locked_at is not null;
  end if;
end;
$$;`;

/** Adds (or replaces, by `jobKey`) a job due at `runAt`, in the caller's transaction (see TIMER_FUNCTIONS). */
export async function addTimer(tx: Executor, task: string, payload: unknown, options: { runAt: Date; jobKey: string; queueName?: string }): Promise<void> {
  await tx.execute(sql`select public.switchboard_add_timer(${task}::text, ${JSON.stringify(payload)}::json, ${options.queueName ?? null}::text, ${options.runAt.toISOString()}::timestamptz, ${options.jobKey}::text)`);
}

/** Removes the timer `jobKey`, as graphile_worker.remove_job does, without waking the workers. */
export async function removeTimer(tx: Executor, jobKey: string): Promise<void> {
  await tx.execute(sql`select public.switchboard_remove_timer(${jobKey}::text)`);
}
