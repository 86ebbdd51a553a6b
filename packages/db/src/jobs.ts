import { sql } from 'drizzle-orm';
import type { Executor } from './client';

export interface EnqueueOptions {
  /** Jobs sharing a queue name run one at a time, in order. */
  queueName?: string;
  runAt?: Date;
  /** A later add with the same key replaces the pending job instead of adding one. */
  jobKey?: string;
  maxAttempts?: number;
  priority?: number;
}

/**
 * Adds a Graphile Worker job through SQL so it commits or rolls back with the
 * caller's transaction: a message that got a 2xx always has its job.
 */
export async function enqueueJob(tx: Executor, task: string, payload: unknown, options: EnqueueOptions = {}): Promise<void> {
  await tx.execute(sql`select graphile_worker.add_job(
    ${task}::text,
    ${JSON.stringify(payload)}::json,
    queue_name => ${options.queueName ?? null}::text,
    run_at => ${options.runAt?.toISOString() ?? null}::timestamptz,
    max_attempts => ${options.maxAttempts ?? 25}::int,
    job_key => ${options.jobKey ?? null}::text,
    priority => ${options.priority ?? 0}::int
  )`);
}
