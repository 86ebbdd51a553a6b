import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase, MIGRATIONS_TABLE, migrationsFolder } from './migrate';
import { testServerUrl } from './testing/index';

/** The migrations before 0016_flow_order: the release an existing install upgrades from. */
function releaseBeforeFlowOrder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-migrations-'));
  mkdirSync(join(dir, 'meta'));
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  const entries = journal.entries.slice(
    0,
    journal.entries.findIndex((e) => e.tag === '0016_flow_order'),
  );
  for (const entry of entries) copyFileSync(join(migrationsFolder, `${entry.tag}.sql`), join(dir, `${entry.tag}.sql`));
  writeFileSync(join(dir, 'meta/_journal.json'), JSON.stringify({ ...journal, entries }));
  return dir;
}

const trigger = (config: Record<string, unknown>) => ({
  schemaVersion: 1,
  nodes: [{ id: 't', type: 'trigger.message_received', position: { x: 0, y: 0 }, config }],
  edges: [],
});

let admin: pg.Client;
let pool: pg.Pool;
let name: string;
let older: string;

beforeAll(async () => {
  name = `sb_flow_order_${randomBytes(6).toString('hex')}`;
  admin = new pg.Client({ connectionString: testServerUrl() });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(testServerUrl());
  url.pathname = `/${name}`;
  pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
  older = releaseBeforeFlowOrder();
});

afterAll(async () => {
  await pool.end();
  await admin.query(`drop database if exists ${name}`);
  await admin.end();
  rmSync(older, { recursive: true, force: true });
});

describe('migration 0016: the owner order of flows', () => {
  it('orders existing flows as routing did (keyword flows first, then by age), and puts new flows last', async () => {
    const client = await pool.connect();
    try {
      await migrate(drizzle(client), { migrationsFolder: older, ...MIGRATIONS_TABLE });
    } finally {
      client.release();
    }
    const ws = (await pool.query(`insert into workspaces (name) values ('Bakery') returning id`)).rows[0].id as string;
    const add = async (name: string, draft: unknown, minutesAgo: number, version?: unknown) => {
      const id = (
        await pool.query(
          `insert into workflows (workspace_id, name, draft, created_at) values ($1, $2, $3, now() - make_interval(mins => $4)) returning id`,
          [ws, name, JSON.stringify(draft), minutesAgo],
        )
      ).rows[0].id as string;
      if (version) {
        const v = (
          await pool.query(
            `insert into workflow_versions (workspace_id, workflow_id, number, definition) values ($1, $2, 1, $3) returning id`,
            [ws, id, JSON.stringify(version)],
          )
        ).rows[0].id;
        await pool.query(`update workflows set active_version_id = $1, status = 'active' where id = $2`, [v, id]);
      }
    };
    await add('Welcome menu', trigger({ firstMessageOnly: true }), 30, trigger({ firstMessageOnly: true }));
    // Live with keywords (the published version decides, not the draft being edited).
    await add('Opening hours', trigger({}), 20, trigger({ keywords: ['hours'] }));
    await add('Prices draft', trigger({ keywords: ['price'] }), 10);

    await migrateDatabase(pool);

    const ordered = await pool.query(`select name from workflows where workspace_id = $1 order by position`, [ws]);
    expect(ordered.rows.map((r) => r.name)).toEqual(['Opening hours', 'Prices draft', 'Welcome menu']);
    await pool.query(`insert into workflows (workspace_id, name, draft) values ($1, 'Newest', '{}')`, [ws]);
    const after = await pool.query(`select name from workflows where workspace_id = $1 order by position`, [ws]);
    expect(after.rows.map((r) => r.name)).toEqual(['Opening hours', 'Prices draft', 'Welcome menu', 'Newest']);
    const columns = await pool.query(
      `select column_name from information_schema.columns where table_name = 'conversations' and column_name = 'waiting_for_person_since'`,
    );
    expect(columns.rows).toHaveLength(1);
  });
});
