import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { DEFAULT_PIPELINE_LANES, openPool } from './driver/index';
import { PreparedNames, preparingClient } from './prepared-statements';
import * as schema from './schema/index';

export type Schema = typeof schema;
export type Database = NodePgDatabase<Schema>;
/** A drizzle handle that is either the pool-backed database or an open transaction. */
export type Executor = Database | Parameters<Parameters<Database['transaction']>[0]>[0];

// Postgres returns int8 as strings; counts here always fit in a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

export interface DatabaseHandle {
  pool: pg.Pool;
  db: Database;
  close(): Promise<void>;
}

/** Opens a pool and a drizzle handle on it. */
export function openDatabase(
  url: string,
  options: { max?: number; pipelineLanes?: number; onError?: (err: Error) => void } = {},
): DatabaseHandle {
  const onError = (err: Error) => options.onError?.(err);
  // A request never waits on a stuck query for longer than 30 s; migrations lift the limit.
  const config = {
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5_000,
    statement_timeout: 30_000,
    Client: preparingClient(new PreparedNames()),
  };
  const pool = openPool(config, options.pipelineLanes ?? DEFAULT_PIPELINE_LANES, onError);
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on('error', onError);
  // A checked-out client's connection can fail too (a restart mid-transaction): the query rejects,
  // and the client's own error event must not crash the process either.
  pool.on('connect', (client) => client.on('error', onError));
  const db = drizzle(pool, { schema, casing: 'snake_case' });
  return { pool, db, close: () => pool.end() };
}
