import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/index';
import { checkDriver, checkPipelinedRoundTrip, DriverChangedError, installedPgVersion, pinnedPgVersion } from './self-check';

describe('driver self-check', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  const connected = async (pipeline: boolean) => {
    const client = new pg.Client({ connectionString: database.url, pipeline });
    await client.connect();
    return client;
  };

  it('passes on the installed node-postgres, which is the pinned one', () => {
    expect(installedPgVersion()).toBe(pinnedPgVersion());
    expect(pinnedPgVersion()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(() => checkDriver()).not.toThrow();
  });

  it('refuses another version than the pinned one, naming both and the way out', () => {
    expect(() => checkDriver(installedPgVersion(), '8.0.0')).toThrow(DriverChangedError);
    expect(() => checkDriver(installedPgVersion(), '8.0.0')).toThrow(/node-postgres \d+\.\d+\.\d+ \(pinned: .*DATABASE_PIPELINE_LANES=0/);
  });

  it('sends two statements through a corked pipelined connection and gets both answers in order', async () => {
    const client = await connected(true);
    try {
      await expect(checkPipelinedRoundTrip(client)).resolves.toBeUndefined();
      expect((await client.query<{ n: number }>('select $1::int as n', [3])).rows).toEqual([{ n: 3 }]);
    } finally {
      await client.end();
    }
  });

  it('fails loudly on a connection that waits for each answer before sending the next statement', async () => {
    const client = await connected(false);
    try {
      await expect(checkPipelinedRoundTrip(client)).rejects.toThrow(/not held in the corked socket/);
    } finally {
      await client.end();
    }
  });
});
