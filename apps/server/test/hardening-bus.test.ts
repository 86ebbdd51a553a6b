import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/testing';
import { BUS_RECONNECTED, EventBus, type BusEvent } from '../src/events/bus';
import { waitFor } from './processes';

let database: TestDatabase;
let bus: EventBus;

beforeAll(async () => {
  database = await createTestDatabase();
  bus = new EventBus(database.pool, pino({ level: 'silent' }));
  await bus.start();
});
afterAll(async () => {
  await bus.stop();
  await database.drop();
});

describe('the event bus after its connection is killed', () => {
  it('listens again, says so (caches drop what they may have missed), and delivers each event once', async () => {
    const seen: BusEvent[] = [];
    const unsubscribe = bus.subscribe((e) => seen.push(e));
    const listeners = () =>
      database.pool
        .query(`select pid from pg_stat_activity where datname = current_database() and query ilike 'listen %' and pid <> pg_backend_pid()`)
        .then((r) => r.rows);
    await waitFor(async () => (await listeners()).length === 1);
    await database.pool.query(
      `select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query ilike 'listen %'`,
    );
    await waitFor(async () => seen.some((e) => e.type === BUS_RECONNECTED), 10_000);
    expect(seen.find((e) => e.type === BUS_RECONNECTED)).toEqual({ workspaceId: '*', type: BUS_RECONNECTED });
    expect(await listeners()).toHaveLength(1);

    await bus.publish({ workspaceId: 'w1', type: 'probe', data: { n: 1 } });
    await waitFor(async () => seen.some((e) => e.type === 'probe'), 5_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.filter((e) => e.type === 'probe')).toHaveLength(1);
    unsubscribe();
  });
});
