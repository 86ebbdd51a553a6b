import type { WorkspaceData, Weekday } from '../../types';

const WEEKDAYS: Record<string, Weekday> = { Mon: 'mon', Tue: 'tue', Wed: 'wed', Thu: 'thu', Fri: 'fri', Sat: 'sat', Sun: 'sun' };

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** Local date, weekday and minute of day of `at` in `timeZone`. */
export function localTime(at: Date, timeZone: string): { date: string; weekday: Weekday; minute: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: WEEKDAYS[parts.weekday as string] ?? 'mon',
    minute: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

/**
 * Whether the workspace is open at `at`: not a holiday (local date) and inside one of the
 * day's intervals. An interval ending at or before its start runs past midnight ("22:00"-"02:00"),
 * counted on the day it starts; "24:00" means end of day.
 */
export function isOpenAt(workspace: Pick<WorkspaceData, 'timezone' | 'businessHours' | 'holidays'>, at: Date): boolean {
  const now = localTime(at, workspace.timezone);
  if (workspace.holidays.includes(now.date)) return false;
  const today = workspace.businessHours[now.weekday] ?? [];
  if (
    today.some(([from, to]) => {
      const start = minutes(from);
      const end = minutes(to);
      return end > start ? now.minute >= start && now.minute < end : now.minute >= start;
    })
  )
    return true;
  // The tail of yesterday's overnight interval.
  const order: Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
  const yesterday = order[(order.indexOf(now.weekday) + 6) % 7] as Weekday;
  return (workspace.businessHours[yesterday] ?? []).some(([from, to]) => minutes(to) <= minutes(from) && now.minute < minutes(to));
}
