/**
 * The workspace's settings in words, for messages: opening hours ("Monday to Friday, 9am–5pm")
 * and the usual reply time ("within 30 minutes"). Templates read them as
 * `{{ workspace.hours_text }}` and `{{ workspace.reply_time_text }}`, so a message follows
 * Settings instead of repeating sample hours an owner must remember to change.
 */
import type { BusinessHours, Weekday } from '../types';

const DAYS: [Weekday, string][] = [
  ['mon', 'Monday'],
  ['tue', 'Tuesday'],
  ['wed', 'Wednesday'],
  ['thu', 'Thursday'],
  ['fri', 'Friday'],
  ['sat', 'Saturday'],
  ['sun', 'Sunday'],
];

const HHMM = /^(\d{2}):(\d{2})$/;

/** "09:00" → "9am", "13:30" → "1:30pm", "00:00" → "midnight". */
function clock(hhmm: string): string | null {
  const m = HHMM.exec(hhmm);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 24 || min > 59) return null;
  if ((h === 0 || h === 24) && min === 0) return 'midnight';
  const suffix = h < 12 || h === 24 ? 'am' : 'pm';
  const h12 = h % 12 === 0 ? 12 : h % 12;
  return `${h12}${min ? `:${String(min).padStart(2, '0')}` : ''}${suffix}`;
}

function interval([from, to]: [string, string]): string | null {
  // The whole day, however it was typed.
  if (from === '00:00' && (to === '23:59' || to === '24:00' || to === '00:00')) return 'all day';
  const a = clock(from);
  const b = clock(to);
  return a && b ? `${a}–${b}` : null;
}

function list(words: string[]): string {
  return words.length < 2 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/** Day names of one set of hours: runs of three or more read "Monday to Friday". */
function dayNames(indexes: number[]): string {
  if (indexes.length === 7) return 'every day';
  const runs: number[][] = [];
  for (const i of indexes) {
    const last = runs.at(-1);
    if (last && last.at(-1) === i - 1) last.push(i);
    else runs.push([i]);
  }
  const name = (i: number) => DAYS[i]![1];
  return list(runs.flatMap((r) => (r.length >= 3 ? [`${name(r[0]!)} to ${name(r.at(-1)!)}`] : r.map(name))));
}

/**
 * Opening hours in words, days grouped by equal hours in week order:
 * "Monday to Friday, 9am–5pm; Saturday, 9am–1pm". Null when no day has hours.
 */
export function hoursText(hours: BusinessHours | null | undefined): string | null {
  const groups = new Map<string, number[]>();
  DAYS.forEach(([day], i) => {
    const raw = hours?.[day];
    const intervals = (Array.isArray(raw) ? raw : [])
      .filter((x) => Array.isArray(x) && typeof x[0] === 'string' && typeof x[1] === 'string')
      .sort((x, y) => x[0].localeCompare(y[0]));
    const words = intervals.map(interval).filter((w): w is string => !!w);
    if (!words.length) return;
    const key = list(words);
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  if (!groups.size) return null;
  return [...groups].map(([times, days]) => `${dayNames(days)}, ${times}`).join('; ');
}

const plural = (n: number, one: string, many: string) => (n === 1 ? one : `${n} ${many}`);

/**
 * The usual reply time in words, rounded up (a promise should not be beaten by the clock):
 * 30 → "within 30 minutes", 60 → "within an hour", 90 → "within 2 hours", 2880 → "within 2 days".
 * Null when unset.
 */
export function replyTimeText(minutes: unknown): string | null {
  if (typeof minutes !== 'number' || !Number.isFinite(minutes) || minutes <= 0) return null;
  const m = Math.ceil(minutes);
  if (m < 60) return `within ${plural(m, 'a minute', 'minutes')}`;
  if (m < 48 * 60) return `within ${plural(Math.ceil(m / 60), 'an hour', 'hours')}`;
  return `within ${plural(Math.ceil(m / 1440), 'a day', 'days')}`;
}
