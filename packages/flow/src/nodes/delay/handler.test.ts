import { describe, expect, it } from 'vitest';
import { makeContext } from '../../testing/context';
import { DelayConfig } from './definition';
import { delay } from './handler';

describe('action.delay', () => {
  it('waits, then carries on when resumed', async () => {
    expect((await delay({ minutes: 90 }, makeContext())).wait).toEqual({ kind: 'delay', minutes: 90 });
    const resumed = await delay({ minutes: 90 }, makeContext({ resume: { kind: 'delay_done' } }));
    expect(resumed.wait).toBeUndefined();
    expect(resumed.output).toBeUndefined();
  });
  it('accepts 1 minute to 30 days', () => {
    expect(DelayConfig.safeParse({ minutes: 0 }).success).toBe(false);
    expect(DelayConfig.safeParse({ minutes: 43200 }).success).toBe(true);
    expect(DelayConfig.safeParse({ minutes: 43201 }).error?.issues[0]?.message).toMatch(/30 days/);
  });
});
