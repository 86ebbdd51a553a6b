import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaces } from './schema/index';
import { MAX_PREPARED, PREPARE_THRESHOLD, StatementCache } from './statement-cache';
import { createTestDatabase, type TestDatabase } from './testing/index';

describe('StatementCache', () => {
  it('names a text once it reached the threshold, the same name every time', () => {
    const cache = new StatementCache();
    for (let i = 1; i < PREPARE_THRESHOLD; i++) expect(cache.nameFor('select $1')).toBeUndefined();
    const name = cache.nameFor('select $1');
    expect(name).toMatch(/^sb_/);
    expect(cache.nameFor('select $1')).toBe(name);
    expect(cache.nameFor('select $2')).toBeUndefined();
  });

  it('stops naming new texts at the cap, and keeps the names it gave', () => {
    const cache = new StatementCache();
    const nameOf = (text: string) => {
      let name: string | undefined;
      for (let i = 0; i < PREPARE_THRESHOLD; i++) name = cache.nameFor(text);
      return name;
    };
    const first = nameOf('select 0 + $1');
    for (let i = 1; i < MAX_PREPARED; i++) nameOf(`select ${i} + $1`);
    expect(cache.size).toBe(MAX_PREPARED);
    expect(nameOf('select -1 + $1')).toBeUndefined();
    expect(cache.nameFor('select 0 + $1')).toBe(first);
  });
});

describe('prepared statements on a real pool', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('runs a repeated query as a prepared statement with the right results, and leaves BEGIN/COMMIT alone', async () => {
    const [created] = await database.db.insert(workspaces).values({ name: 'Prepared' }).returning({ id: workspaces.id });
    for (let i = 0; i < PREPARE_THRESHOLD + 3; i++) {
      const rows = await database.db.transaction(async (tx) => {
        const found = await tx.select({ name: workspaces.name }).from(workspaces).where(eq(workspaces.id, created!.id));
        const prepared = await tx.execute<{ statement: string }>(sql`select statement from pg_prepared_statements where name like ${'sb_%'}`);
        return { found, prepared: prepared.rows.map((r) => r.statement) };
      });
      expect(rows.found).toEqual([{ name: 'Prepared' }]);
      // One connection (the pool has it idle between rounds): once past the threshold the select is prepared there.
      if (i >= PREPARE_THRESHOLD) expect(rows.prepared.some((s) => s.includes('from "workspaces"'))).toBe(true);
      expect(rows.prepared.some((s) => /^(begin|commit)$/i.test(s))).toBe(false);
    }
  });
});
