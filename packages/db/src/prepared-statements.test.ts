import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from './testing/index';

describe('repeated statements run prepared', () => {
  it('plans a parameterised statement once per connection after it repeats, and answers the same', async () => {
    const database = await createTestDatabase();
    try {
      const client = await database.pool.connect();
      try {
        const answers: number[] = [];
        for (let i = 0; i < 8; i++)
          answers.push((await client.query<{ n: number }>({ text: 'select $1::int + 1 as n', values: [i] })).rows[0]!.n);
        expect(answers).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
        const prepared = await client.query<{ name: string; statement: string }>('select name, statement from pg_prepared_statements');
        expect(prepared.rows).toEqual([{ name: expect.stringMatching(/^sb_/), statement: 'select $1::int + 1 as n' }]);
        // Plain texts (no parameters: BEGIN, COMMIT, DDL) are never prepared.
        for (let i = 0; i < 8; i++) await client.query('select 1');
        expect((await client.query('select count(*)::int as n from pg_prepared_statements')).rows[0].n).toBe(1);
      } finally {
        client.release();
      }
      // Through drizzle, in and out of transactions, a prepared statement gives drizzle's rows.
      for (let i = 0; i < 6; i++) {
        const rows = await database.db.transaction((tx) => tx.execute<{ v: string }>(sql`select ${`x${i}`}::text as v`));
        expect(rows.rows).toEqual([{ v: `x${i}` }]);
      }
    } finally {
      await database.drop();
    }
  });
});
