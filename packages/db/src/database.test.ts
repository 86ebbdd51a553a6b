import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from './client';
import { migrateDatabase, migrationStatus } from './migrate';
import { resolveDatabase } from './resolve';
import { workspaces } from './schema/index';
import { createTestDatabase } from './testing/index';

const MACHINE_POSTGRES = process.env.MACHINE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

describe('test database isolation', () => {
  it('gives each test file its own migrated database', async () => {
    const a = await createTestDatabase();
    const b = await createTestDatabase();
    try {
      await a.db.insert(workspaces).values({ name: 'Only in A' });
      expect(await a.db.select().from(workspaces)).toHaveLength(1);
      expect(await b.db.select().from(workspaces)).toHaveLength(0);
      expect((await migrationStatus(a.pool)).current).toBe(true);
    } finally {
      await a.drop();
      await b.drop();
    }
  });
});

describe('embedded Postgres', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-embedded-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps data across a stop and a start, on a free port', async () => {
    const first = await resolveDatabase({ dataDir: dir });
    expect(first.embedded).toBe(true);
    let handle = openDatabase(first.url);
    await migrateDatabase(handle.pool);
    const [row] = await handle.db.insert(workspaces).values({ name: 'Bakery' }).returning();
    await handle.close();
    await first.stop();

    const second = await resolveDatabase({ dataDir: dir });
    handle = openDatabase(second.url);
    try {
      const found = await handle.db.select().from(workspaces).where(eq(workspaces.id, row!.id));
      expect(found[0]?.name).toBe('Bakery');
    } finally {
      await handle.close();
      await second.stop();
    }
  });
});

describe('DATABASE_URL', () => {
  it('migrates and uses an existing Postgres server (the machine one at 127.0.0.1:5432)', async (ctx) => {
    if (!(await reachable(MACHINE_POSTGRES))) {
      console.warn(`skipped: no Postgres answers at ${MACHINE_POSTGRES}`);
      ctx.skip();
    }
    const name = `sb_url_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: MACHINE_POSTGRES });
    await admin.connect();
    await admin.query(`create database ${name}`);
    const url = new URL(MACHINE_POSTGRES);
    url.pathname = `/${name}`;
    try {
      const resolved = await resolveDatabase({ databaseUrl: url.toString(), dataDir: '/nonexistent' });
      expect(resolved.embedded).toBe(false);
      const handle = openDatabase(resolved.url);
      await migrateDatabase(handle.pool);
      await migrateDatabase(handle.pool); // idempotent on a second boot
      await handle.db.insert(workspaces).values({ name: 'On the machine server' });
      expect(await handle.db.select().from(workspaces)).toHaveLength(1);
      expect((await migrationStatus(handle.pool)).current).toBe(true);
      await handle.close();
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });
});
