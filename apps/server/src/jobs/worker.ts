import { EventEmitter } from 'node:events';
import { run, type Runner, type WorkerEvents, Logger as GraphileLogger, type LogFunctionFactory } from 'graphile-worker';
import type { AppDeps } from '../context';
import { createTaskList } from './index';
import { startReaper } from './reaper';
import { scheduleRetentionSweep } from './retention';
import { scheduleNextTick } from './schedule-tick';

export interface WorkerHandle {
  runner: Runner;
  /** Stops taking jobs and waits for running ones to finish. */
  stop(): Promise<void>;
}

/** Runs Graphile Worker on the shared pool, with heartbeats and the schedule clock. */
export async function startWorker(deps: AppDeps): Promise<WorkerHandle> {
  const logFactory: LogFunctionFactory = (scope) => (level, message, meta) => {
    const log = deps.logger.child({ worker: scope.workerId, task: scope.taskIdentifier, jobId: scope.jobId });
    const fn = level === 'error' ? log.error : level === 'warning' ? log.warn : log.debug;
    fn.call(log, meta ?? {}, message);
  };
  // Our own emitter, attached before run() creates the workers, so no worker id is missed.
  const events: WorkerEvents = new EventEmitter();
  const workerIds = new Set<string>();
  events.on('worker:create', ({ worker }) => workerIds.add(worker.workerId));
  events.on('worker:stop', ({ worker }) => workerIds.delete(worker.workerId));
  const runner = await run({
    events,
    pgPool: deps.pool,
    taskList: createTaskList(deps),
    concurrency: deps.config.workerConcurrency,
    noHandleSignals: true,
    pollInterval: 1_000,
    logger: new GraphileLogger(logFactory),
  });
  const inline = deps.inlineJobs;
  const reaper = startReaper(deps.db, deps.logger, () => (inline ? [...workerIds, inline.workerId] : [...workerIds]), inline);
  await scheduleNextTick(deps.db);
  await scheduleRetentionSweep(deps.db);
  return {
    runner,
    stop: async () => {
      await reaper.stop();
      await runner.stop();
    },
  };
}
