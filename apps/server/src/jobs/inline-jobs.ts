import { randomUUID } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '@switchboard/db';
import type { Logger } from '../logger';

/** Graphile's default, and what add_job gives every other job here. */
const MAX_ATTEMPTS = 25;
/** A job locked by this process that it no longer runs (its settle failed) is released after this. */
const ORPHANED_AFTER_S = 10;
/** Locked jobs a process may keep waiting per slot before new ones go to Graphile (payloads are small). */
const BACKLOG_PER_SLOT = 20;

type TaskFn = (payload: unknown) => Promise<unknown>;

/** A job locked for this process: its id, task and payload. */
type HeldJob = {
  id: string;
  task: string;
  payload: unknown;
};

/**
 * Jobs the process that created them runs at once, without Graphile's fetch.
 *
 * A customer's message used to be stored with a `route_event` job, and then a worker found it
 * through get_job: a NOTIFY that woke every idle worker, about 2.3 get_job calls per message, each
 * locking every idle named queue (one per conversation). Now, when this process has room, the
 * statement that stores the message also takes the conversation's queue and adds the job already
 * locked by this process (a worker id like Graphile's own), and this process runs it right after
 * the commit, or as soon as one of its `concurrency` slots frees up.
 *
 * While this process holds a conversation's queue, that conversation's next messages are added the
 * usual way (their queue is busy). Completing a job takes the next one of its queue in the same
 * statement and keeps the queue, so a busy conversation is drained here instead of going back to
 * get_job, whose strategy lets only one of several concurrent callers see the idle queues (under load
 * Graphile's workers ran 1 to 3 jobs at a time with hundreds waiting). The next job goes to the back
 * of the local line, so one chatty conversation does not hold a slot while others wait.
 *
 * Everything else stays Graphile's: the queue lock keeps the conversation's jobs in order, a failure
 * is retried with Graphile's backoff, and a process killed mid-job leaves locks the reaper releases
 * once its heartbeat stops.
 */
export class InlineJobs {
  readonly workerId = `inline-${randomUUID()}`;
  /** Slots promised to statements that may lock a job for this process and have not said yet. */
  private promised = 0;
  private active = 0;
  /** Every job locked for this process that it still means to run: waiting or running. */
  private readonly held = new Set<string>();
  private readonly waiting: HeldJob[] = [];
  private readonly taskNames: string[];

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
    private readonly tasks: Record<string, TaskFn>,
    private readonly concurrency: number,
    /** Jobs locked and waiting for a slot, at most; past it, new jobs go to Graphile. */
    private readonly backlog = concurrency * BACKLOG_PER_SLOT,
  ) {
    this.taskNames = Object.keys(tasks);
  }

  /** Room for one job created in the caller's statement; release() it if that statement did not lock one. */
  reserve(): boolean {
    if (this.promised + this.held.size >= this.concurrency + this.backlog) return false;
    this.promised++;
    return true;
  }

  release(): void {
    this.promised = Math.max(0, this.promised - 1);
  }

  /** Runs (now or once a slot frees) a job the caller's committed statement locked for this process; never throws. */
  start(jobId: string, task: string, payload: unknown): void {
    this.release();
    this.hold({ id: jobId, task, payload });
  }

  private hold(job: HeldJob): void {
    this.held.add(job.id);
    this.waiting.push(job);
    this.pump();
  }

  private pump(): void {
    while (this.active < this.concurrency && this.waiting.length) {
      const job = this.waiting.shift()!;
      this.active++;
      void this.run(job).then(
        (next) => {
          this.active--;
          if (next) this.hold(next);
          else this.pump();
        },
        () => this.active--, // run() catches everything; kept for the type's sake
      );
    }
  }

  /** Runs one job and settles it; returns the next job of its queue when it took one. */
  private async run(job: HeldJob): Promise<HeldJob | null> {
    const fn = this.tasks[job.task];
    let error: string | null = fn ? null : `No task ${job.task}`;
    if (fn) {
      try {
        await fn(job.payload);
      } catch (err) {
        error = (err as Error)?.message ?? String(err);
        this.logger.warn({ jobId: job.id, task: job.task, err: error }, 'inline job failed; Graphile retries it');
      }
    }
    try {
      if (error !== null) {
        await this.db.execute(failJob(job.id, this.workerId, error));
        return null;
      }
      const next = await this.db.execute<HeldJob>(completeAndTakeNext(job.id, this.workerId, this.taskNames));
      return next.rows[0] ?? null;
    } catch (err) {
      // Still locked by this (live) process: releaseOrphans() hands it back to Graphile.
      this.logger.warn({ jobId: job.id, err: (err as Error).message }, 'could not record an inline job; it will be released');
      return null;
    } finally {
      this.held.delete(job.id);
    }
  }

  /** Resolves once no inline job runs or waits (shutdown waits for them, as Graphile's runner does for its own). */
  async idle(): Promise<void> {
    while (this.held.size || this.active) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  /** Releases jobs this process locked but no longer means to run (their completion could not be written). */
  async releaseOrphans(): Promise<number> {
    const result = await this.db.execute<{ id: string }>(sql`
      select id::text from graphile_worker._private_jobs
      where locked_by = ${this.workerId} and locked_at < now() - make_interval(secs => ${ORPHANED_AFTER_S})`);
    const orphans = result.rows.map((r) => r.id).filter((id) => !this.held.has(id));
    for (const id of orphans) await this.db.execute(failJob(id, this.workerId, 'The process that ran this job lost track of it'));
    return orphans.length;
  }
}

/**
 * The CTEs that add one job for `source` (a FROM item with columns `payload json` and
 * `queue_name text`): locked by `workerId` when its queue is free and a worker id is given, else
 * through add_job. The statement must select ADDED_JOB_COLUMNS.
 */
export function addJobCtes(task: string, source: SQL, workerId: string | null): SQL {
  return sql`
    job_source as (select * from ${source}),
    job_task as (select id from graphile_worker._private_tasks where identifier = ${task} and ${workerId}::text is not null),
    job_queue as (
      insert into graphile_worker._private_job_queues as q (queue_name, locked_at, locked_by)
      select queue_name, now(), ${workerId}::text from job_source where exists (select 1 from job_task)
      on conflict (queue_name) do update set locked_at = now(), locked_by = excluded.locked_by where q.locked_at is null
      returning id
    ), locked_job as (
      insert into graphile_worker._private_jobs (job_queue_id, task_id, payload, run_at, attempts, max_attempts, locked_at, locked_by)
      select job_queue.id, job_task.id, job_source.payload, now(), 1, ${MAX_ATTEMPTS}, now(), ${workerId}::text
      from job_queue, job_task, job_source
      returning id
    ), queued_job as (
      select graphile_worker.add_job(${task}::text, job_source.payload, queue_name => job_source.queue_name) as job
      from job_source where not exists (select 1 from locked_job)
    )`;
}

/**
 * What a statement built on addJobCtes selects: the job's payload, and its id when it was locked
 * for this process. Reading queued_job is what runs add_job (a plain SELECT in WITH runs only when read).
 */
export const ADDED_JOB_COLUMNS = sql`(select payload from job_source) as job_payload, (select id::text from locked_job) as locked_job_id, (select count(*) from queued_job)::int as queued`;

/** The columns ADDED_JOB_COLUMNS reads. */
export type AddedJob = {
  job_payload: unknown;
  locked_job_id: string | null;
  queued: number;
};

/**
 * Graphile's completeJob (0.16.6) for a job in a named queue, except that when its queue holds
 * another job due now, of a task this process runs, that job is locked for `workerId` and returned,
 * and the queue stays locked (so the conversation's order holds). Sibling CTEs share one snapshot:
 * `next` still sees the deleted job, hence `id <>`.
 */
function completeAndTakeNext(jobId: string, workerId: string, tasks: string[]): SQL {
  return sql`
    with done as (
      delete from graphile_worker._private_jobs where id = ${jobId}::bigint returning job_queue_id
    ), next as (
      select jobs.id from graphile_worker._private_jobs as jobs, done
      where jobs.job_queue_id = done.job_queue_id and jobs.id <> ${jobId}::bigint and jobs.is_available and jobs.run_at <= now()
        and jobs.task_id in (select id from graphile_worker._private_tasks where identifier = any(${sql.param(tasks)}::text[]))
      order by jobs.priority, jobs.run_at, jobs.id
      limit 1
      for update of jobs skip locked
    ), taken as (
      update graphile_worker._private_jobs as jobs set locked_by = ${workerId}::text, locked_at = now(), attempts = jobs.attempts + 1
      from next where jobs.id = next.id
      returning jobs.id, jobs.task_id, jobs.payload
    ), queue as (
      update graphile_worker._private_job_queues as q
      set locked_by = case when exists (select 1 from taken) then q.locked_by end,
          locked_at = case when exists (select 1 from taken) then now() end
      from done where q.id = done.job_queue_id and q.locked_by = ${workerId}
    )
    select taken.id::text as id, tasks.identifier as task, taken.payload
    from taken join graphile_worker._private_tasks as tasks on tasks.id = taken.task_id`;
}

function failJob(jobId: string, workerId: string, error: string): SQL {
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
