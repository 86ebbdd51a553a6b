import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase, MIGRATIONS_TABLE, migrationsFolder } from './migrate';
import { testServerUrl } from './testing/index';

interface Journal {
  entries: { idx: number; tag: string }[];
}

/** A copy of the migrations folder holding only the first `count` migrations: the schema of an older release. */
function olderRelease(count: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-migrations-'));
  mkdirSync(join(dir, 'meta'));
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as Journal;
  const entries = journal.entries.slice(0, count);
  for (const entry of entries) copyFileSync(join(migrationsFolder, `${entry.tag}.sql`), join(dir, `${entry.tag}.sql`));
  writeFileSync(join(dir, 'meta/_journal.json'), JSON.stringify({ ...journal, entries }));
  return dir;
}

let admin: pg.Client;
let pool: pg.Pool;
let name: string;
let older: string;

beforeAll(async () => {
  name = `sb_upgrade_${randomBytes(6).toString('hex')}`;
  admin = new pg.Client({ connectionString: testServerUrl() });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(testServerUrl());
  url.pathname = `/${name}`;
  pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
  older = olderRelease(6);
});

afterAll(async () => {
  await pool.end();
  await admin.query(`drop database if exists ${name}`);
  await admin.end();
  rmSync(older, { recursive: true, force: true });
});

describe('upgrading a database with data', () => {
  it('keys existing run steps by (run, seq) and gives messages room for HOT updates (migrations 0006, 0007)', async () => {
    const client = await pool.connect();
    const runId = randomUUID();
    const stepIds = [randomUUID(), randomUUID()];
    try {
      await migrate(drizzle(client), { migrationsFolder: older, ...MIGRATIONS_TABLE });
      // Steps of a run as the older release wrote them; their parents do not matter to this migration.
      await client.query('set session_replication_role = replica');
      await client.query(
        `insert into run_steps (id, workspace_id, run_id, seq, node_id, node_type, status)
         select id, $2, $3, seq, 'n' || seq, 'send_message', 'completed' from unnest($1::uuid[]) with ordinality as s(id, seq)`,
        [stepIds, randomUUID(), runId],
      );
      await client.query('reset session_replication_role');
    } finally {
      client.release();
    }

    await migrateDatabase(pool);

    const steps = await pool.query('select id, seq from run_steps where run_id = $1 order by seq', [runId]);
    expect(steps.rows).toEqual([
      { id: stepIds[0], seq: 1 },
      { id: stepIds[1], seq: 2 },
    ]);
    const key = await pool.query(
      `select array_agg(a.attname::text order by k.n) as columns from pg_index i
       cross join unnest(i.indkey) with ordinality as k(attnum, n)
       join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
       where i.indrelid = 'run_steps'::regclass and i.indisprimary`,
    );
    expect(key.rows[0].columns).toEqual(['run_id', 'seq']);
    const indexes = await pool.query(`select count(*)::int as n from pg_index where indrelid = 'run_steps'::regclass`);
    expect(indexes.rows[0].n).toBe(1);
    const options = await pool.query(`select reloptions from pg_class where oid = 'messages'::regclass`);
    expect(options.rows[0].reloptions).toContain('fillfactor=85');
  });
});
