import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueJob } from './jobs';
import { createTestDatabase, type TestDatabase } from './testing/index';
import { addTimer, removeTimer } from './timers';

describe('timers (add_job and remove_job without waking the workers)', () => {
  let database: TestDatabase;
  let listener: pg.Client;
  let notified = 0;
  beforeAll(async () => {
    database = await createTestDatabase();
    listener = new pg.Client({ connectionString: database.url });
    await listener.connect();
    listener.on('notification', () => notified++);
    await listener.query('listen "jobs:insert"');
  });
  afterAll(async () => {
    await listener.end();
    await database.drop();
  });

  const later = (minutes: number) => new Date(Date.now() + minutes * 60_000);
  const jobs = async (key: string) =>
    (
      await database.pool.query<{ key: string | null; run_at: Date; payload: unknown; attempts: number; max_attempts: number; queue_name: string | null; task: string }>(
        `select j.key, j.run_at, j.payload, j.attempts, j.max_attempts, q.queue_name, t.identifier as task
         from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
         left join graphile_worker._private_job_queues q on q.id = j.job_queue_id
         where j.payload->>'timer' = $1 order by j.id`,
        [key],
      )
    ).rows;
  /** NOTIFYs that arrive within a moment of `write`'s commit. */
  const notifiesOf = async (write: () => Promise<unknown>) => {
    const before = notified;
    await write();
    await new Promise((resolve) => setTimeout(resolve, 150));
    return notified - before;
  };

  it('adds a job due later, in its queue, and no worker is woken; add_job would have woken them', async () => {
    const runAt = later(30);
    expect(await notifiesOf(() => addTimer(database.db, 'resume_wait', { timer: 'a', n: 1 }, { runAt, jobKey: 'wait:a', queueName: 'conv:a' }))).toBe(0);
    expect(await jobs('a')).toEqual([{ key: 'wait:a', run_at: runAt, payload: { timer: 'a', n: 1 }, attempts: 0, max_attempts: 25, queue_name: 'conv:a', task: 'resume_wait' }]);
    expect(await notifiesOf(() => enqueueJob(database.db, 'resume_wait', { timer: 'b' }, { runAt, jobKey: 'wait:b' }))).toBe(1);
  });

  it('replaces the pending job of the same key, and notifies when the job is already due', async () => {
    const runAt = later(5);
    await addTimer(database.db, 'resume_wait', { timer: 'a', n: 2 }, { runAt, jobKey: 'wait:a', queueName: 'conv:a' });
    expect(await jobs('a')).toMatchObject([{ key: 'wait:a', run_at: runAt, payload: { timer: 'a', n: 2 } }]);
    expect(await notifiesOf(() => addTimer(database.db, 'resume_wait', { timer: 'due' }, { runAt: new Date(Date.now() - 1_000), jobKey: 'wait:due' }))).toBe(1);
  });

  it('leaves a job of that key that already started to finish, keyless and never retried, beside the new one', async () => {
    await database.pool.query(`update graphile_worker._private_jobs set locked_at = now(), locked_by = 'w1' where key = 'wait:a'`);
    await addTimer(database.db, 'resume_wait', { timer: 'a', n: 3 }, { runAt: later(10), jobKey: 'wait:a', queueName: 'conv:a' });
    expect((await jobs('a')).map((j) => [j.key, j.attempts, j.max_attempts, (j.payload as { n: number }).n])).toEqual([
      [null, 25, 25, 2],
      ['wait:a', 0, 25, 3],
    ]);
  });

  it('removes a pending timer without a NOTIFY, and disarms one that is running', async () => {
    expect(await notifiesOf(() => removeTimer(database.db, 'wait:a'))).toBe(0);
    expect((await jobs('a')).map((j) => j.key)).toEqual([null]);
    await addTimer(database.db, 'resume_wait', { timer: 'c' }, { runAt: later(10), jobKey: 'wait:c' });
    await database.pool.query(`update graphile_worker._private_jobs set locked_at = now(), locked_by = 'w1' where key = 'wait:c'`);
    await removeTimer(database.db, 'wait:c');
    expect(await jobs('c')).toMatchObject([{ key: null, attempts: 25, max_attempts: 25 }]);
    // Inside a transaction, as routing uses it: it rolls back with it.
    await addTimer(database.db, 'resume_wait', { timer: 'd' }, { runAt: later(10), jobKey: 'wait:d' });
    await database.db
      .transaction(async (tx) => {
        await removeTimer(tx, 'wait:d');
        await tx.execute(sql`select 1 / 0`);
      })
      .catch(() => undefined);
    expect(await jobs('d')).toHaveLength(1);
  });
});
