import { describe, expect, it } from 'vitest';
import { makeContext } from '../../testing/context';
import { ScheduleConfig } from './definition';
import { schedule } from './handler';
import { nextScheduledRun } from './next-run';

describe('trigger.schedule', () => {
  it('passes on', async () => {
    expect(await schedule({ cron: '0 9 * * 1' }, makeContext())).toEqual({ effects: [] });
  });

  it('validates cron and time zone in plain words', () => {
    expect(ScheduleConfig.safeParse({ cron: '0 9 * * 1', timezone: 'Europe/Paris' }).success).toBe(true);
    const bad = ScheduleConfig.safeParse({ cron: 'every monday' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toMatch(/not valid/);
    expect(ScheduleConfig.safeParse({ cron: '0 9 * * 1', timezone: 'Mars/Olympus' }).success).toBe(false);
  });

  it('computes the next run in the right time zone', () => {
    // Monday 2026-11-23 09:00 in Paris is 08:00 UTC.
    const next = nextScheduledRun({ cron: '0 9 * * 1' }, 'Europe/Paris', new Date('2026-11-21T12:00:00Z'));
    expect(next?.toISOString()).toBe('2026-11-23T08:00:00.000Z');
  });
});
