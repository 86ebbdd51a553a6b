import { describe, expect, it } from 'vitest';
import { makeContext } from '../../testing/context';
import type { WorkspaceData } from '../../types';
import { businessHours } from './handler';

const paris: Partial<WorkspaceData> = {
  timezone: 'Europe/Paris',
  businessHours: {
    mon: [
      ['09:00', '12:00'],
      ['14:00', '18:00'],
    ],
    fri: [['22:00', '02:00']],
  },
  holidays: ['2026-12-25'],
};

async function at(iso: string, ws: Partial<WorkspaceData> = paris) {
  return (await businessHours({}, makeContext({ workspace: ws, services: { now: () => new Date(iso) } }))).output;
}

describe('condition.business_hours', () => {
  it('uses the workspace time zone', async () => {
    // Monday 2026-11-23: 08:30 UTC is 09:30 in Paris.
    expect(await at('2026-11-23T08:30:00Z')).toBe('open');
    expect(await at('2026-11-23T07:30:00Z')).toBe('closed');
    expect(await at('2026-11-23T11:30:00Z')).toBe('closed'); // 12:30 lunch
    expect(await at('2026-11-23T13:00:00Z')).toBe('open'); // 14:00
    expect(await at('2026-11-23T17:00:00Z')).toBe('closed'); // 18:00 end is exclusive
  });

  it('is closed on days without hours and on holidays', async () => {
    expect(await at('2026-11-24T10:00:00Z')).toBe('closed'); // Tuesday
    expect(await at('2026-12-25T09:00:00Z', { ...paris, businessHours: { fri: [['09:00', '17:00']] } })).toBe('closed');
    expect(await at('2026-12-18T09:00:00Z', { ...paris, businessHours: { fri: [['09:00', '17:00']] } })).toBe('open');
  });

  it('handles intervals past midnight', async () => {
    expect(await at('2026-11-27T22:30:00Z')).toBe('open'); // Fri 23:30 Paris
    expect(await at('2026-11-28T00:30:00Z')).toBe('open'); // Sat 01:30 Paris
    expect(await at('2026-11-28T01:30:00Z')).toBe('closed'); // Sat 02:30 Paris
  });
});
