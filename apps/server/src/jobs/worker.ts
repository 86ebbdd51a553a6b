import { run, type Runner, Logger as GraphileLogger, type LogFunctionFactory } from 'graphile-worker';
import type { AppDeps } from '../context';
import { createTaskList } from './index';

/** Runs Graphile Worker on the shared pool; stop() waits for running jobs to finish. */
export async function startWorker(deps: AppDeps): Promise<Runner> {
  const logFactory: LogFunctionFactory = (scope) => (level, message, meta) => {
    const log = deps.logger.child({ worker: scope.workerId, task: scope.taskIdentifier, jobId: scope.jobId });
    const fn = level === 'error' ? log.error : level === 'warning' ? log.warn : log.debug;
    fn.call(log, meta ?? {}, message);
  };
  return run({
    pgPool: deps.pool,
    taskList: createTaskList(deps),
    concurrency: deps.config.workerConcurrency,
    noHandleSignals: true,
    pollInterval: 1_000,
    logger: new GraphileLogger(logFactory),
  });
}
