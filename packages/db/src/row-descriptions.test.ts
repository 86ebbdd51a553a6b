import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaces } from './schema/index';
import { describedStatements } from './row-descriptions';
import { PREPARE_THRESHOLD } from './statement-cache';
import { createTestDatabase, type TestDatabase } from './testing/index';

/** Enough runs that the text is prepared and its set-up reused a few times (the first runs are pg's own). */
const RUNS = PREPARE_THRESHOLD + 4;

// Columns with one of each kind of each kind of parser: drizzle's own (timestamps and dates as text), pg's (json, arrays, int8 as a number here), none (text).
const OTHER_COLUMNS = sql.raw(`9007199254740::int8 as big, '{"a":[1,2]}'::json as j, '{"b":true}'::jsonb as jb, true as yes,
  'x'::text as t, '2026-11-22T01:02:03.456Z'::timestamptz as at, '2026-11-22'::date as day, array[1,2,3]::int4[] as ints,
  1.50::numeric as amount, null::text as nothing, '0b6f0a2e-9c1e-4e0a-8a55-0e6f4a3c2b1d'::uuid as id`);

describe('row descriptions reused for prepared statements', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('gives every run of a prepared statement the rows its first, unprepared run gave, through drizzle', async () => {
    const run = async () => (await database.db.execute(sql`select ${7}::int as n, ${OTHER_COLUMNS}`)).rows;
    // The first run, unprepared, also has its lane prepare the lane's own flush.
    const drizzleRows = [await run()];
    const before = describedStatements();
    for (let i = 1; i < RUNS; i++) drizzleRows.push(await run());
    for (const rows of drizzleRows) {
      expect(rows).toEqual(drizzleRows[0]);
      expect(Object.keys(rows[0]!)).toEqual(Object.keys(drizzleRows[0]![0]!));
    }
    expect(drizzleRows[0]).toEqual([
      {
        n: 7,
        big: 9007199254740,
        j: { a: [1, 2] },
        jb: { b: true },
        yes: true,
        t: 'x',
        at: '2026-11-22 01:02:03.456+00',
        day: '2026-11-22',
        ints: [1, 2, 3],
        amount: '1.50',
        nothing: null,
        id: '0b6f0a2e-9c1e-4e0a-8a55-0e6f4a3c2b1d',
      },
    ]);
    // The runs after the threshold took the kept empty row.
    expect(describedStatements()).toBe(before + 1);
  });

  it('keeps drizzle\'s parsers and a raw query\'s apart under one prepared name', async () => {
    // The same text, so the same prepared name, run through drizzle (timestamps as text) and through pg (timestamps as Dates), interleaved.
    const text = "select $1::int as n, '2026-11-22T01:02:03Z'::timestamptz as at";
    const before = describedStatements();
    for (let i = 0; i < RUNS; i++) {
      const viaDrizzle = await database.db.execute(sql`select ${i}::int as n, '2026-11-22T01:02:03Z'::timestamptz as at`);
      const viaPg = await database.pool.query(text, [i]);
      expect(viaDrizzle.rows).toEqual([{ n: i, at: '2026-11-22 01:02:03+00' }]);
      expect(viaPg.rows).toEqual([{ n: i, at: new Date('2026-11-22T01:02:03Z') }]);
    }
    expect(describedStatements()).toBe(before + 1);
  });

  it('reads rows as arrays (drizzle\'s selects) and a column named __proto__ as pg does', async () => {
    const [created] = await database.db.insert(workspaces).values({ name: 'Described' }).returning({ id: workspaces.id });
    for (let i = 0; i < RUNS; i++) {
      const found = await database.db.select({ id: workspaces.id, name: workspaces.name, createdAt: workspaces.createdAt }).from(workspaces).where(eq(workspaces.id, created!.id));
      expect(found).toEqual([{ id: created!.id, name: 'Described', createdAt: expect.any(Date) }]);
      const odd = await database.pool.query('select $1::int as "__proto__", 2 as plain', [i]);
      expect(odd.rows.length).toBe(1);
      expect(Object.getOwnPropertyDescriptor(odd.rows[0], '__proto__')?.value).toBe(i);
      expect(odd.rows[0].plain).toBe(2);
    }
  });
});
