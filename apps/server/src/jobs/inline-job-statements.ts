import { sql, type SQL } from 'drizzle-orm';
import { commitsLazily } from '@switchboard/db';

/** Graphile's default, and what add_job gives every other job here. */
const MAX_ATTEMPTS = 25;

/**
 * The process that adds a job with addJobCtes and runs it: `lock` when it has room for the job
 * (see InlineJobs.taker), else it only keeps the job off add_job's NOTIFY where no worker could
 * take it anyway.
 */
export type JobTaker = { workerId: string; lock: boolean };

/**
 * The CTEs that add one job for `source` (a FROM item with columns `payload json` and
 * `queue_name text`). With a taker (this process runs inline jobs):
 * - the queue is free and the taker has room (`lock`): the queue is taken, and the job added
 *   locked, for the taker (locked_job);
 * - the queue is busy: the job is inserted behind it without add_job's NOTIFY (quiet_job), since
 *   no idle worker could take it before the queue's holder lets go, and the holder takes the next
 *   job as it completes one (the caller tells InlineJobs.queuedBehind(), for the holder's race).
 *   Under a burst most jobs are of this kind: their NOTIFYs had every idle Graphile worker run a
 *   get_job that found nothing (11,145 calls for 346 jobs in 10 s at 1,000 msg/s, a fifth of
 *   Postgres's time).
 * Otherwise (a free queue and no room, no taker, or before Graphile has registered the task):
 * add_job, as any producer.
 * The statement must select ADDED_JOB_COLUMNS.
 */
export function addJobCtes(task: string, source: SQL, taker: JobTaker | null): SQL {
  const workerId = taker?.workerId ?? null;
  const lock = taker?.lock ?? false;
  return sql`
    job_source as (select * from ${source}),
    job_task as (select id from graphile_worker._private_tasks where identifier = ${task} and ${workerId}::text is not null),
    job_queue as (
      insert into graphile_worker._private_job_queues as q (queue_name, locked_at, locked_by)
      select queue_name, now(), ${workerId}::text from job_source where exists (select 1 from job_task) and ${lock}::boolean
      on conflict (queue_name) do update set locked_at = now(), locked_by = excluded.locked_by where q.locked_at is null
      returning id
    ), locked_job as (
      insert into graphile_worker._private_jobs (job_queue_id, task_id, payload, run_at, attempts, max_attempts, locked_at, locked_by)
      select job_queue.id, job_task.id, job_source.payload, now(), 1, ${MAX_ATTEMPTS}, now(), ${workerId}::text
      from job_queue, job_task, job_source
      returning id, job_queue_id
    ), quiet_job as (
      insert into graphile_worker._private_jobs (job_queue_id, task_id, payload, run_at, max_attempts)
      select q.id, job_task.id, job_source.payload, now(), ${MAX_ATTEMPTS}
      from job_source join graphile_worker._private_job_queues as q on q.queue_name = job_source.queue_name, job_task
      -- Taking the queue failed (it is held), or, without room, it is held.
      where not exists (select 1 from job_queue) and (${lock}::boolean or q.locked_at is not null)
      returning job_queue_id
    ), queued_job as (
      select graphile_worker.add_job(${task}::text, job_source.payload, queue_name => job_source.queue_name) as job
      from job_source where not exists (select 1 from locked_job) and not exists (select 1 from quiet_job)
    )`;
}

/**
 * What a statement built on addJobCtes selects: the job's payload; its id and queue when it was
 * locked for this process; its queue when it went in quietly behind a busy one. Reading queued_job
 * is what runs add_job (a plain SELECT in WITH runs only when read).
 */
export const ADDED_JOB_COLUMNS = sql`(select payload from job_source) as job_payload, (select id::text from locked_job) as locked_job_id,
  (select job_queue_id from locked_job) as locked_queue_id, (select job_queue_id from quiet_job) as quiet_queue_id,
  (select count(*) from queued_job)::int as queued`;

/** The columns ADDED_JOB_COLUMNS reads. */
export type AddedJob = {
  job_payload: unknown;
  locked_job_id: string | null;
  locked_queue_id: number | null;
  quiet_queue_id: number | null;
  queued: number;
};

/**
 * A job's last write, handed to the statement that completes the job instead of running on its own
 * (one round trip fewer): a data-modifying statement, and what to do once it has committed.
 */
export interface FinalWrite {
  statement: SQL;
  after: () => Promise<void>;
}

/** How a task hands its last write to its completion; absent when nothing completes it that way (Graphile's own runs). */
export type DeferFinalWrite = (write: FinalWrite) => void;

/** A job locked for a process: what these statements return of it. */
export type HeldJob = {
  id: string;
  task: string;
  payload: unknown;
  job_queue_id: number | null;
  /** What the statement that took it read for its task (see LocalOf), when it read anything. */
  local?: unknown;
};

/**
 * A column to read for a job as it is taken, from its task's name and payload (SQL expressions,
 * text and json): handed to the task in memory, it saves the task a read. Null where it does not apply.
 */
export type LocalOf = (task: SQL, payload: SQL) => SQL;

/** The next job of queue `queue` (a SQL expression) due now, of one of `tasks`, row-locked for the statement. */
const nextJobOf = (queue: SQL, tasks: string[], except: SQL = sql`0`) => sql`
  select jobs.id from graphile_worker._private_jobs as jobs
  where jobs.job_queue_id = ${queue} and jobs.id <> ${except} and jobs.is_available and jobs.run_at <= now()
    and jobs.task_id in (select id from graphile_worker._private_tasks where identifier = any(${sql.param(tasks)}::text[]))
  order by jobs.priority, jobs.run_at, jobs.id
  limit 1
  for update skip locked`;

/** Locks the job `next` selected for `workerId` and selects it as a HeldJob. */
const takeJob = (workerId: string) => sql`
  taken as (
    update graphile_worker._private_jobs as jobs set locked_by = ${workerId}::text, locked_at = now(), attempts = jobs.attempts + 1
    from next where jobs.id = next.id
    returning jobs.id, jobs.task_id, jobs.payload, jobs.job_queue_id
  )`;

const selectTaken = (localOf?: LocalOf) => sql`
  select taken.id::text as id, tasks.identifier as task, taken.payload, taken.job_queue_id${localOf ? sql`, ${localOf(sql`tasks.identifier`, sql`taken.payload`)} as local` : sql``}
  from taken join graphile_worker._private_tasks as tasks on tasks.id = taken.task_id`;

/**
 * Graphile's completeJob (0.16.6) for a job in a named queue, except that when its queue holds
 * another job due now, of a task this process runs, that job is locked for `workerId` and returned,
 * and the queue stays locked (so the conversation's order holds). Sibling CTEs share one snapshot:
 * `next` still sees the deleted job, hence the `except`; and it cannot see a job committed after
 * this statement began (see InlineJobs.queuedBehind). It commits lazily (see commitsLazily): a lost
 * completion runs the job again, and every job here is safe to run twice. With the job's `final`
 * write (a reply's outcome after the provider call), it also makes that write and commits
 * synchronously: the outcome must not be lost once the reply is out. The next job comes with
 * `localOf`'s column, read after everything its predecessor committed.
 */
export function completeAndTakeNext(jobId: string, workerId: string, tasks: string[], final?: FinalWrite, localOf?: LocalOf): SQL {
  return sql`
    with ${final ? sql`final_write as (${final.statement}), ` : sql``}done as (
      delete from graphile_worker._private_jobs where id = ${jobId}::bigint ${final ? sql`` : sql`and ${commitsLazily}`} returning job_queue_id
    ), next as (${nextJobOf(sql`(select job_queue_id from done)`, tasks, sql`${jobId}::bigint`)}),
    ${takeJob(workerId)}, queue as (
      update graphile_worker._private_job_queues as q
      set locked_by = case when exists (select 1 from taken) then q.locked_by end,
          locked_at = case when exists (select 1 from taken) then now() end
      from done where q.id = done.job_queue_id and q.locked_by = ${workerId}
    )
    ${selectTaken(localOf)}`;
}

/**
 * Takes queue `queueId` for `workerId` if it is free and holds a job due now (of one of `tasks`),
 * with that job locked, as get_job would (and `localOf`'s column); else changes nothing.
 */
export function claimQueue(queueId: number, workerId: string, tasks: string[], localOf?: LocalOf): SQL {
  return sql`
    with queue as (
      select id from graphile_worker._private_job_queues where id = ${queueId}::int and locked_at is null for update skip locked
    ), next as (${nextJobOf(sql`(select id from queue)`, tasks)}),
    ${takeJob(workerId)}, locked_queue as (
      update graphile_worker._private_job_queues as q set locked_by = ${workerId}::text, locked_at = now()
      from taken where q.id = taken.job_queue_id
    )
    ${selectTaken(localOf)}`;
}

export function failJob(jobId: string, workerId: string, error: string): SQL {
  return sql`
    with j as (
      update graphile_worker._private_jobs set
        last_error = ${error}, locked_by = null, locked_at = null,
        run_at = greatest(now(), run_at) + (exp(least(attempts, 10)) * interval '1 second')
      where id = ${jobId}::bigint and locked_by = ${workerId}
      returning job_queue_id
    )
    update graphile_worker._private_job_queues as q set locked_by = null, locked_at = null
    from j where q.id = j.job_queue_id and q.locked_by = ${workerId}`;
}
