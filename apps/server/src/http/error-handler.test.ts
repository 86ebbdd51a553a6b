import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './error-handler';

describe('isDatabaseUnavailable', () => {
  it('knows a stopped database in the shapes the driver and the job queue throw it', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Failed query: select 1', { cause: { code: '57P01' } }))).toBe(true);
    // Graphile Worker's local queue rethrows the socket error as a bare Error, without a cause.
    expect(isDatabaseUnavailable(new Error('Error occurred whilst returning jobs from local queue to database queue: write EPIPE'))).toBe(
      true,
    );
  });

  it('leaves every other error a bug', () => {
    expect(isDatabaseUnavailable(new Error('Cannot read properties of undefined'))).toBe(false);
    expect(isDatabaseUnavailable(new Error('duplicate key value', { cause: { code: '23505' } }))).toBe(false);
    expect(isDatabaseUnavailable(new Error('REPIPED is not a word'))).toBe(false);
  });
});
