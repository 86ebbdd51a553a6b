import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../client';
import { createTestDatabase, type TestDatabase } from '../testing/index';

/** A promise's outcome, listened to from now on. */
const settled = (promise: Promise<unknown>) =>
  promise.then(
    (value) => ({ failed: false, value }),
    (error: unknown) => ({ failed: true, error }),
  );

describe('PipelinedPool', () => {
  let database: TestDatabase;
  let handle: DatabaseHandle;
  beforeAll(async () => {
    database = await createTestDatabase();
    handle = openDatabase(database.url, { pipelineLanes: 2 });
    await handle.pool.query('create table pipelined (id int primary key, note text)');
  });
  afterAll(async () => {
    await handle.close();
    await database.drop();
  });

  const backendOf = async (n: number) =>
    (await handle.pool.query<{ pid: number; n: number }>('select pg_backend_pid() as pid, $1::int as n', [n])).rows[0]!;

  it('sends the statements of one turn down one connection, each answered with its own rows', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => backendOf(i)));
    expect(answers.map((a) => a.n)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(new Set(answers.map((a) => a.pid)).size).toBe(1);
  });

  it('keeps each statement its own transaction: a failing one neither fails nor undoes its neighbours', async () => {
    const insert = (id: number, note: string) => handle.pool.query('insert into pipelined (id, note) values ($1, $2)', [id, note]);
    const outcomes = await Promise.allSettled([
      insert(1, 'a'),
      insert(1, 'duplicate'),
      insert(2, 'b'),
      handle.pool.query('select 1 / $1::int', [0]),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ code: '23505' });
    expect((outcomes[3] as PromiseRejectedResult).reason).toMatchObject({ code: '22012' });
    expect((await handle.pool.query('select id, note from pipelined where id > $1 order by id', [0])).rows).toEqual([
      { id: 1, note: 'a' },
      { id: 2, note: 'b' },
    ]);
  });

  it('answers a statement only once its commit is on disk (one flush for the turn)', async () => {
    const observer = new pg.Client({ connectionString: database.url });
    await observer.connect();
    try {
      const inserts = Array.from({ length: 10 }, (_, i) =>
        handle.pool.query<{ lsn: string }>(
          'insert into pipelined (id, note) values ($1, $2) returning pg_current_wal_insert_lsn()::text as lsn',
          [100 + i, 'durable'],
        ),
      );
      const written = (await Promise.all(inserts)).map((r) => r.rows[0]!.lsn);
      const { rows } = await observer.query<{ behind: number }>(
        'select count(*)::int as behind from unnest($1::pg_lsn[]) as w(lsn) where w.lsn > pg_current_wal_flush_lsn()',
        [written],
      );
      expect(rows[0]!.behind).toBe(0);
    } finally {
      await observer.end();
    }
  });

  it("answers drizzle's queries (array rows, its own type parsers) as the ordinary pool does", async () => {
    const plain = new pg.Pool({ connectionString: database.url, max: 1 });
    try {
      const { db } = handle;
      const query = sql`select ${7}::int8 as n, now() as at, ${'x'}::text as t, ${JSON.stringify({ a: [1] })}::jsonb as j`;
      const piped = await db.execute(query);
      const viaPool = await plain.query('select $1::int8 as n, now() as at, $2::text as t, $3::jsonb as j', [
        7,
        'x',
        JSON.stringify({ a: [1] }),
      ]);
      expect(piped.rows[0]).toMatchObject({ n: 7, t: 'x', j: { a: [1] } });
      expect(Object.keys(piped.rows[0]!)).toEqual(viaPool.fields.map((f) => f.name));
    } finally {
      await plain.end();
    }
  });

  it('fails what a lost connection carried and opens a new one for the next statement', async () => {
    const killer = new pg.Client({ connectionString: database.url });
    await killer.connect();
    try {
      // Their outcomes are taken at once: the lost connection may fail them before the killer's
      // own answer arrives, and a rejection nobody listens to yet is an unhandled one.
      const stuck = settled(handle.pool.query('select pg_sleep($1), pg_backend_pid()', [5]));
      const sameTurn = settled(backendOf(1));
      await new Promise((resolve) => setTimeout(resolve, 200));
      const busy = (
        await killer.query<{ pid: number }>("select pid from pg_stat_activity where query like 'select pg_sleep%' and state = 'active'")
      ).rows[0]!.pid;
      await killer.query('select pg_terminate_backend($1)', [busy]);
      expect(await stuck).toMatchObject({ failed: true, error: expect.any(Error) });
      expect(await sameTurn).toMatchObject({ failed: true, error: expect.any(Error) });
      const after = await backendOf(2);
      expect(after.n).toBe(2);
      expect(after.pid).not.toBe(busy);
    } finally {
      await killer.end();
    }
  });

  it('leaves statements without parameters (several in one text) and transactions to the ordinary connections', async () => {
    const multi = await handle.pool.query('select 1 as a; select 2 as b');
    expect((multi as unknown as pg.QueryResult[]).map((r) => r.rows[0])).toEqual([{ a: 1 }, { b: 2 }]);
    const note = await handle.db.transaction(async (tx) => {
      await tx.execute(sql`insert into pipelined (id, note) values (${3}, ${'in a transaction'})`);
      return (await tx.execute(sql`select note from pipelined where id = ${3}`)).rows[0];
    });
    expect(note).toEqual({ note: 'in a transaction' });
  });
});
