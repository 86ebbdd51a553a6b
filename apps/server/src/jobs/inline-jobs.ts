import { randomUUID } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '@switchboard/db';
import type { Logger } from '../logger';

/** Graphile's default, and what add_job gives every other job here. */
const MAX_ATTEMPTS = 25;
/** A job locked by this process that it no longer runs (its settle failed) is released after this. */
const ORPHANED_AFTER_S = 10;

type TaskFn = (payload: unknown) => Promise<unknown>;

/**
 * Jobs the process that created them runs at once, without Graphile's fetch.
 *
 * A customer's message used to be stored with a `route_event` job, and then a worker found it
 * through get_job: a NOTIFY that woke every idle worker, about 2.3 get_job calls per message, each
 * locking every idle named queue (one per conversation). Now, when this process has a free slot, the
 * statement that stores the message also takes the conversation's queue and adds the job already
 * locked by this process (a worker id like Graphile's own), and this process runs it right after
 * the commit. Everything else stays Graphile's: the queue lock keeps the conversation's jobs in
 * order, a job whose queue is busy is added the usual way, a failure is retried with Graphile's
 * backoff, and a process killed mid-job leaves a lock the reaper releases once its heartbeat stops.
 */
export class InlineJobs {
  readonly workerId = `inline-${randomUUID()}`;
  private reserved = 0;
  private readonly running = new Set<string>();

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
    private readonly tasks: Record<string, TaskFn>,
    private readonly capacity: number,
  ) {}

  /** A slot for one job created in the caller's statement; release() it if that statement did not lock one. */
  reserve(): boolean {
    if (this.reserved >= this.capacity) return false;
    this.reserved++;
    return true;
  }

  release(): void {
    this.reserved = Math.max(0, this.reserved - 1);
  }

  /** Runs a job the caller's committed statement locked for this process; never throws. */
  start(jobId: string, task: string, payload: unknown): void {
    this.running.add(jobId);
    void this.run(jobId, task, payload).finally(() => {
      this.running.delete(jobId);
      this.release();
    });
  }

  private async run(jobId: string, task: string, payload: unknown): Promise<void> {
    const fn = this.tasks[task];
    let error: string | null = fn ? null : `No task ${task}`;
    if (fn) {
      try {
        await fn(payload);
      } catch (err) {
        error = (err as Error)?.message ?? String(err);
        this.logger.warn({ jobId, task, err: error }, 'inline job failed; Graphile retries it');
      }
    }
    try {
      await this.db.execute(error === null ? completeJob(jobId, this.workerId) : failJob(jobId, this.workerId, error));
    } catch (err) {
      // Still locked by this (live) process: releaseOrphans() hands it back to Graphile.
      this.logger.warn({ jobId, err: (err as Error).message }, 'could not record an inline job; it will be released');
    }
  }

  /** Resolves once no inline job runs (shutdown waits for them, as Graphile's runner does for its own). */
  async idle(): Promise<void> {
    while (this.running.size) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  /** Releases jobs this process locked but no longer runs (their completion could not be written). */
  async releaseOrphans(): Promise<number> {
    const result = await this.db.execute<{ id: string }>(sql`
      select id::text from graphile_worker._private_jobs
      where locked_by = ${this.workerId} and locked_at < now() - make_interval(secs => ${ORPHANED_AFTER_S})`);
    const orphans = result.rows.map((r) => r.id).filter((id) => !this.running.has(id));
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

// As Graphile's own completeJob / failJob (0.16.6) do for a job in a named queue.
function completeJob(jobId: string, workerId: string): SQL {
  return sql`
    with j as (delete from graphile_worker._private_jobs where id = ${jobId}::bigint returning job_queue_id)
    update graphile_worker._private_job_queues as q set locked_by = null, locked_at = null
    from j where q.id = j.job_queue_id and q.locked_by = ${workerId}`;
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
