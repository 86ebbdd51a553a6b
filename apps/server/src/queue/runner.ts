import { EventEmitter } from 'node:events';
import {
  Logger as GraphileLogger,
  makeWorkerUtils,
  run,
  type LogFunctionFactory,
  type Runner,
  type Task,
  type TaskList,
  type WorkerEvents,
} from 'graphile-worker';
import type pg from 'pg';
import type { Database } from '@switchboard/db';
import type { Logger } from '../logger';
import { startHeartbeat } from './heartbeat';

/**
 * Tuning of Graphile Worker's own batching (its `preset.worker` options):
 * - `localQueue`: the worker pool locks up to `size` due jobs in one statement and hands them to its
 *   workers from memory, instead of each worker fetching its own. The library keeps one job per
 *   named queue in a batch, so one conversation's jobs still never overlap; a conversation's next
 *   job is taken once the one before it completed.
 * - `completeJobBatchDelay` / `failJobBatchDelay`: completions and failures within this many ms
 *   are written in one statement. A job completed but not yet written stays locked; if the process
 *   dies then, the heartbeat frees it and it runs again (every task here is safe to run twice).
 */
export interface QueueTuning {
  /** Jobs run at once in this process. */
  concurrency: number;
  /** Jobs the pool locks per fetch; 0 turns the local queue off. */
  localQueueSize: number;
  completeJobBatchDelayMs: number;
  failJobBatchDelayMs: number;
}

export function defaultTuning(concurrency: number): QueueTuning {
  return { concurrency, localQueueSize: concurrency * 2, completeJobBatchDelayMs: 2, failJobBatchDelayMs: 2 };
}

/** What runs each task, by name: it parses its payload (unknown until then); a throw retries the job with backoff. */
export type TaskHandlers = Record<string, (payload: unknown) => Promise<unknown>>;

/** The handlers as Graphile Worker's task list. */
export function taskListOf(handlers: TaskHandlers): TaskList {
  const list: TaskList = {};
  for (const [name, handle] of Object.entries(handlers)) {
    list[name] = (async (payload) => {
      await handle(payload);
    }) satisfies Task;
  }
  return list;
}

export interface QueueRunner {
  runner: Runner;
  /** Stops taking jobs and waits for running ones to finish. */
  stop(): Promise<void>;
}

/**
 * Runs the job queue in this process: Graphile Worker on `pool` with the task `handlers`, and the
 * heartbeat that frees dead runners' jobs.
 */
export async function runQueueHere(
  { db, pool, logger }: { db: Database; pool: pg.Pool; logger: Logger },
  handlers: TaskHandlers,
  tuning: QueueTuning,
): Promise<QueueRunner> {
  const logFactory: LogFunctionFactory = (scope) => (level, message, meta) => {
    const log = logger.child({ worker: scope.workerId, task: scope.taskIdentifier, jobId: scope.jobId });
    const fn = level === 'error' ? log.error : level === 'warning' ? log.warn : log.debug;
    fn.call(log, meta ?? {}, message);
  };
  const graphileLogger = new GraphileLogger(logFactory);
  // Our own emitter, attached before run() creates the pool and its workers, so no id is missed.
  const events: WorkerEvents = new EventEmitter();
  const holders = new Set<string>();
  events.on('pool:create', ({ workerPool }) => holders.add(workerPool.id));
  events.on('worker:create', ({ worker }) => holders.add(worker.workerId));
  // A worker that stopped (a fatal error: it could not record its job's end) beats no more, so the
  // job it held is freed like a dead process's.
  events.on('worker:stop', ({ worker }) => holders.delete(worker.workerId));
  const runner = await run({
    events,
    pgPool: pool,
    taskList: taskListOf(handlers),
    concurrency: tuning.concurrency,
    noHandleSignals: true,
    pollInterval: 1_000,
    logger: graphileLogger,
    preset: {
      worker: {
        ...(tuning.localQueueSize > 1 && { localQueue: { size: tuning.localQueueSize } }),
        completeJobBatchDelay: tuning.completeJobBatchDelayMs,
        failJobBatchDelay: tuning.failJobBatchDelayMs,
      },
    },
  });
  const utils = await makeWorkerUtils({ pgPool: pool, logger: graphileLogger });
  const heartbeat = startHeartbeat(db, utils, logger, () => [...holders]);
  return {
    runner,
    stop: async () => {
      heartbeat.stop();
      await runner.stop();
      await utils.release();
    },
  };
}
