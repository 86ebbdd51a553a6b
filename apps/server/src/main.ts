import { serve, type ServerType } from '@hono/node-server';
import { migrateDatabase, openDatabase, resolveDatabase } from '@switchboard/db';
import client from 'prom-client';
import { createApp } from './app';
import type { AppDeps } from './context';
import { isDatabaseUnavailable, loggableError } from './http/error-handler';
import { loadConfig } from './config';
import { egressFor } from './egress';
import { EventBus } from './events/bus';
import { ActiveFlowCache } from './flows/active-flows';
import { scheduleRetentionSweep } from './jobs/retention';
import { scheduleNextTick } from './jobs/schedule-tick';
import { createLogger } from './logger';
import { defaultTuning, runQueueHere, type QueueRunner } from './queue/runner';
import { createTaskList } from './tasks';

/** Connections beyond one per job slot: the local queue's fetches, batched completions, heartbeats, the schedule clock. */
const JOB_POOL_SPARE = 5;

/** config -> database (embedded or DATABASE_URL) -> migrate -> roles. */
async function main() {
  const started = Date.now();
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  // Built once here: its connections are kept alive for every tenant's calls (see egress/).
  egressFor(config);
  if (config.egressAllow?.length)
    logger.info({ egressAllow: config.egressAllow }, 'outbound calls for tenants may reach these private hosts');
  const database = await resolveDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    onLog: (line) => logger.trace({ postgres: line }),
  });
  if (database.embedded) logger.info({ dataDir: config.dataDir }, 'embedded PostgreSQL started');
  const { db, pool } = openDatabase(database.url, {
    max: config.poolSize,
    pipelineLanes: config.pipelineLanes,
    onError: (err) => logger.warn({ err: err.message }, 'idle database client error'),
  });
  survivePostgresOutages(logger);
  await untilReachable(() => migrateDatabase(pool), logger);

  const events = new EventBus(pool, logger);
  await events.start();
  const activeFlows = new ActiveFlowCache(db, events);
  const deps = { config, db, pool, logger, events, activeFlows };
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });

  let server: ServerType | undefined;
  let stopping = false;
  // Jobs get their own connections: a burst of webhooks queueing for the request pool must not
  // stall the flows that answer them (each job's queries would wait behind every request's).
  const jobsDatabase =
    config.role !== 'api'
      ? openDatabase(database.url, {
          max: config.workerConcurrency + JOB_POOL_SPARE,
          pipelineLanes: config.pipelineLanes,
          onError: (err) => logger.warn({ err: err.message }, 'idle database client error'),
        })
      : undefined;
  const jobsDeps = jobsDatabase ? { ...deps, db: jobsDatabase.db, pool: jobsDatabase.pool } : undefined;
  const worker = jobsDeps ? await superviseQueue(jobsDeps, logger, () => stopping) : undefined;
  const app = createApp(deps, { serveStatic: config.role !== 'worker', registry });
  server = serve({ fetch: app.fetch, port: config.port, hostname: '0.0.0.0' }, (info) => {
    logger.info({ port: info.port, role: config.role, url: config.publicUrl, bootMs: Date.now() - started }, 'Switchboard is running');
  });

  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining requests and jobs');
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await worker?.stop();
    await events.stop();
    await jobsDatabase?.pool.end();
    await pool.end();
    await database.stop();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

/**
 * A database restart must not take the process down with it. Connection errors surface in places
 * no caller awaits (a client's 'error' event between queries, a fire-and-forget notification, a
 * Graphile poll); they are logged and the process carries on: requests answer 503, the pool
 * reconnects, the event bus and Graphile's LISTEN re-listen. Anything else is a bug: log, exit.
 */
function survivePostgresOutages(logger: ReturnType<typeof createLogger>) {
  const handle = (kind: string) => (err: unknown) => {
    if (isDatabaseUnavailable(err)) {
      logger.warn({ kind, err: err instanceof Error ? err.message : String(err) }, 'database unavailable; carrying on');
      return;
    }
    logger.fatal({ kind, err: err instanceof Error ? loggableError(err) : String(err) }, 'crashed');
    process.exit(1);
  };
  process.on('unhandledRejection', handle('unhandledRejection'));
  process.on('uncaughtException', handle('uncaughtException'));
}

/**
 * Graphile Worker lets a worker slot die ("committing seppuku") when it cannot record a job's end,
 * and shuts its whole pool down when it cannot write a batch of completions or failures: both are
 * what a database outage does, and neither is undone when the database comes back, so the process
 * would be alive with no one taking jobs. This restarts the whole runner when a slot dies, the pool
 * shuts down or the runner ends unasked; the jobs they held are freed by the heartbeat
 * (queue/heartbeat.ts).
 */
async function superviseQueue(
  deps: AppDeps,
  logger: ReturnType<typeof createLogger>,
  stopping: () => boolean,
): Promise<{ stop(): Promise<void> }> {
  let current: QueueRunner | undefined;
  let restarting = false;
  const restart = (reason: string) => {
    if (restarting || stopping()) return;
    restarting = true;
    logger.warn({ reason }, 'job runner lost a worker; restarting it');
    const old = current;
    current = undefined;
    void (async () => {
      // A graceful stop waits for running jobs; during an outage it may never finish cleanly.
      const stopped = old?.stop().catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'stopping the old runner failed'));
      await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      if (!stopping()) await start();
      restarting = false;
    })();
  };
  const start = async () => {
    const handle = await untilReachable(() => startQueue(deps), logger, Number.POSITIVE_INFINITY);
    current = handle;
    handle.runner.events.on(
      'worker:fatalError',
      ({ error }) => current === handle && restart(`worker fatal error: ${(error as Error)?.message}`),
    );
    // Our own stops (a restart, the process's shutdown) are not `current` or are `stopping()` by then.
    handle.runner.events.on('pool:gracefulShutdown', ({ message }) => current === handle && restart(`job pool shut down: ${message}`));
    handle.runner.promise.then(
      () => current === handle && restart('runner ended'),
      (err: unknown) => current === handle && restart(`runner failed: ${(err as Error)?.message}`),
    );
  };
  await start();
  return { stop: async () => current?.stop() };
}

/** The job runner, then the recurring jobs' first schedule (each keyed: one pending job however many processes boot). */
async function startQueue(deps: AppDeps): Promise<QueueRunner> {
  const handle = await runQueueHere(deps, createTaskList(deps), defaultTuning(deps.config.workerConcurrency));
  await scheduleNextTick(deps.db);
  await scheduleRetentionSweep(deps.db);
  return handle;
}

/** Boot waits for a database that is restarting (up to a minute) instead of exiting at once. */
async function untilReachable<T>(attempt: () => Promise<T>, logger: ReturnType<typeof createLogger>, timeoutMs = 60_000): Promise<T> {
  // Used at boot and when the job runner restarts during an outage.
  const deadline = Date.now() + timeoutMs;
  for (let delay = 500; ; delay = Math.min(delay * 2, 5_000)) {
    try {
      return await attempt();
    } catch (err) {
      if (!isDatabaseUnavailable(err) || Date.now() + delay > deadline) throw err;
      logger.warn({ err: (err as Error).message, retryInMs: delay }, 'database not reachable yet');
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
