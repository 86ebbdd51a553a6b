import type { SQL } from 'drizzle-orm';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from './schema/index';
import { DEFAULT_PIPELINE_LANES, PipelinedPool } from './pipelined-pool';
import { reuseRowDescriptions } from './row-descriptions';
import { StatementCache } from './statement-cache';
import { StatementShapes, type BuiltQuery } from './statement-shapes';

export type Schema = typeof schema;
export type Database = NodePgDatabase<Schema>;
/** A drizzle handle that is either the pool-backed database or an open transaction. */
export type Executor = Database | Parameters<Parameters<Database['transaction']>[0]>[0];

// Postgres returns int8 as strings; counts here always fit in a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));
reuseRowDescriptions();

export interface DatabaseHandle {
  pool: pg.Pool;
  db: Database;
  close(): Promise<void>;
}

/** Opens a pool and a drizzle handle on it. */
export function openDatabase(url: string, options: { max?: number; pipelineLanes?: number; onError?: (err: Error) => void } = {}): DatabaseHandle {
  const statements = new StatementCache();
  const onError = (err: Error) => options.onError?.(err);
  // A request never waits on a stuck query for longer than 30 s; migrations lift the limit.
  const config = { connectionString: url, max: options.max ?? 10, connectionTimeoutMillis: 5_000, statement_timeout: 30_000 };
  const pool = new PipelinedPool(config, statements, options.pipelineLanes ?? DEFAULT_PIPELINE_LANES, onError);
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on('error', onError);
  pool.on('connect', (client) => statements.attach(client));
  const db = drizzle(pool, { schema, casing: 'snake_case' });
  buildTextsOncePerShape(db);
  return { pool, db, close: () => pool.end() };
}

/**
 * Every statement of `db` and of its transactions (they share its dialect) gets its text from the
 * shape cache (see StatementShapes). Under vitest each call is also built by drizzle and compared.
 */
function buildTextsOncePerShape(db: Database): void {
  const dialect = (db as unknown as { dialect: { sqlToQuery(query: SQL, invokeSource?: string): BuiltQuery } }).dialect;
  const build = dialect.sqlToQuery.bind(dialect);
  const shapes = new StatementShapes((query) => build(query), process.env.VITEST !== undefined);
  dialect.sqlToQuery = (query, invokeSource) => (invokeSource === undefined ? shapes.toQuery(query) : build(query, invokeSource));
}
