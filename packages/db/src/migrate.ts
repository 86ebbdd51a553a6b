import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { Logger, runMigrations as runWorkerMigrations } from 'graphile-worker';
import type pg from 'pg';

export const migrationsFolder = fileURLToPath(new URL('../migrations', import.meta.url));

/** Where drizzle records the migrations it applied. */
export const MIGRATIONS_TABLE = { migrationsSchema: 'drizzle', migrationsTable: '__drizzle_migrations' } as const;

/** Applies our forward-only SQL migrations, then Graphile Worker's own schema. */
export async function migrateDatabase(pool: pg.Pool): Promise<void> {
  // Several processes may boot at once (api + workers): one migrates, the others wait.
  const client = await pool.connect();
  try {
    await client.query('set statement_timeout = 0'); // a migration on a big table may take a while
    await client.query('select pg_advisory_lock(hashtext($1))', [LOCK_NAME]);
    await migrate(drizzle(client), { migrationsFolder, ...MIGRATIONS_TABLE });
    await runWorkerMigrations({ pgPool: pool, logger: silentLogger() });
  } finally {
    await client.query('select pg_advisory_unlock(hashtext($1))', [LOCK_NAME]).catch(() => {});
    await client.query('reset statement_timeout').catch(() => {});
    client.release();
  }
}

const LOCK_NAME = 'switchboard_migrations';

/** Number of migrations shipped with this build versus applied to the database. */
export async function migrationStatus(pool: pg.Pool): Promise<{ expected: number; applied: number; current: boolean }> {
  const journal = JSON.parse(readFileSync(`${migrationsFolder}/meta/_journal.json`, 'utf8')) as { entries: unknown[] };
  const expected = journal.entries.length;
  const exists = await pool.query<{ ok: boolean }>(`select to_regclass('drizzle.__drizzle_migrations') is not null as ok`);
  const applied = exists.rows[0]?.ok
    ? ((await pool.query<{ n: number }>('select count(*)::int as n from drizzle.__drizzle_migrations')).rows[0]?.n ?? 0)
    : 0;
  return { expected, applied, current: applied >= expected };
}

function silentLogger() {
  // Migrations have nothing worth printing; errors surface as the thrown exception.
  return new Logger(() => () => {});
}
