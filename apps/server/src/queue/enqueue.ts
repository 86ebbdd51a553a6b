import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '@switchboard/db';

export interface EnqueueOptions {
  /** Jobs sharing a queue name run one at a time, in order. */
  queueName?: string;
  /** When the job is due; now when absent. */
  runAt?: Date;
  /** A later add with the same key replaces the pending job instead of adding one. */
  jobKey?: string;
  /** `unsafe_dedupe` keeps a pending job with the same key as it is (see Graphile's add_job; firstJobOf). */
  jobKeyMode?: 'replace' | 'preserve_run_at' | 'unsafe_dedupe';
  maxAttempts?: number;
  priority?: number;
}

/**
 * Adds a job with Graphile Worker's own `add_job`, in the caller's transaction: it commits or rolls
 * back with the caller's writes, so a message that got a 2xx always has its job.
 *
 * A job due now is stamped with the database's clock at the call (`clock_timestamp()`), not the
 * transaction's start: Graphile takes a named queue's jobs by priority and run_at, so two jobs a
 * transaction adds to one queue (a step's two replies) keep the order they were added in.
 */
export async function enqueue(tx: Executor, task: string, payload: unknown, options: EnqueueOptions = {}): Promise<void> {
  await tx.execute(sql`select ${addJob(task, payload, options)}`);
}

/**
 * enqueue() as an SQL expression, for a statement that adds its job along with its own writes (a
 * CTE that selects it runs only when read: read it).
 */
export function addJob(task: string, payload: unknown, options: EnqueueOptions = {}): SQL {
  return sql`graphile_worker.add_job(
    ${task}::text,
    ${JSON.stringify(payload)}::json,
    queue_name => ${options.queueName ?? null}::text,
    run_at => coalesce(${options.runAt?.toISOString() ?? null}::timestamptz, clock_timestamp()),
    max_attempts => ${options.maxAttempts ?? 25}::int,
    job_key => ${options.jobKey ?? null}::text,
    priority => ${options.priority ?? 0}::int,
    job_key_mode => ${options.jobKeyMode ?? 'replace'}::text
  )`;
}

/**
 * The key options of the first job of a row this statement creates (a message's routing, its
 * delivery): no job of that key can exist yet, so every job_key_mode inserts the same row, and
 * `unsafe_dedupe` does it in one insert where the others go through Graphile's `add_jobs`: about
 * 50 against 340 µs of Postgres's CPU per job (docs/decisions/017-one-pipeline.md). Never for a
 * key that is added again (a retry, a timer): there only `replace` is right.
 */
export function firstJobOf(jobKey: string): Pick<EnqueueOptions, 'jobKey' | 'jobKeyMode'> {
  return { jobKey, jobKeyMode: 'unsafe_dedupe' };
}

/** A job due at `runAt`; with a `jobKey`, it replaces the pending job of that key (a timer moved). */
export async function enqueueLater(
  tx: Executor,
  task: string,
  payload: unknown,
  runAt: Date,
  options: Omit<EnqueueOptions, 'runAt'> = {},
): Promise<void> {
  await enqueue(tx, task, payload, { ...options, runAt });
}

/**
 * Cancels the pending job with this key, in the caller's transaction. A job of that key already
 * running finishes, is not retried, and frees the key (Graphile's `remove_job`).
 */
export async function cancel(tx: Executor, jobKey: string): Promise<void> {
  await tx.execute(sql`select graphile_worker.remove_job(${jobKey}::text)`);
}
