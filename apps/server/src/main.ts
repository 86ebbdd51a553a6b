import { serve, type ServerType } from '@hono/node-server';
import { migrateDatabase, openDatabase, resolveDatabase } from '@switchboard/db';
import client from 'prom-client';
import { createApp } from './app';
import { loadConfig } from './config';
import { EventBus } from './events/bus';
import { ActiveFlowCache } from './flows/active-flows';
import { startWorker, type WorkerHandle } from './jobs/worker';
import { createLogger } from './logger';

/** config -> database (embedded or DATABASE_URL) -> migrate -> roles. */
async function main() {
  const started = Date.now();
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const database = await resolveDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, onLog: (line) => logger.trace({ postgres: line }) });
  if (database.embedded) logger.info({ dataDir: config.dataDir }, 'embedded PostgreSQL started');
  const { db, pool } = openDatabase(database.url, { max: config.poolSize, onError: (err) => logger.warn({ err: err.message }, 'idle database client error') });
  await migrateDatabase(pool);

  const events = new EventBus(pool, logger);
  await events.start();
  const activeFlows = new ActiveFlowCache(db, events);
  const deps = { config, db, pool, logger, events, activeFlows };
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });

  let server: ServerType | undefined;
  let worker: WorkerHandle | undefined;
  if (config.role !== 'api') worker = await startWorker(deps);
  const app = createApp(deps, { serveStatic: config.role !== 'worker', registry });
  server = serve({ fetch: app.fetch, port: config.port, hostname: '0.0.0.0' }, (info) => {
    logger.info({ port: info.port, role: config.role, url: config.publicUrl, bootMs: Date.now() - started }, 'Switchboard is running');
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining requests and jobs');
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await worker?.stop();
    await events.stop();
    await pool.end();
    await database.stop();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
