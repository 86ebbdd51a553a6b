import { normalizeText } from '../../text/normalize';

type Operator = 'eq' | 'neq' | 'contains' | 'gt' | 'lt' | 'exists' | 'in';

function asNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

function asTime(v: unknown): number | null {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(v)) return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
}

function text(v: unknown): string {
  return v == null ? '' : normalizeText(typeof v === 'object' ? JSON.stringify(v) : String(v));
}

/** Loose equality an owner expects: 5 equals "5", "Gold" equals "gold", "Crème" equals "creme". */
export function looselyEqual(a: unknown, b: unknown): boolean {
  const na = asNumber(a);
  const nb = asNumber(b);
  if (na !== null && nb !== null) return na === nb;
  return text(a) === text(b);
}

function order(a: unknown, b: unknown): number | null {
  const na = asNumber(a);
  const nb = asNumber(b);
  if (na !== null && nb !== null) return na - nb;
  const ta = asTime(a);
  const tb = asTime(b);
  if (ta !== null && tb !== null) return ta - tb;
  return null;
}

/** Applies a compare operator; gt/lt are false when the values are not both numbers or both dates. */
export function compareValues(actual: unknown, operator: Operator, expected: unknown): boolean {
  switch (operator) {
    case 'exists':
      return actual !== undefined && actual !== null && actual !== '' && !(Array.isArray(actual) && actual.length === 0);
    case 'eq':
      return looselyEqual(actual, expected);
    case 'neq':
      return !looselyEqual(actual, expected);
    case 'contains':
      return Array.isArray(actual) ? actual.some((x) => looselyEqual(x, expected)) : text(actual).includes(text(expected));
    case 'gt': {
      const o = order(actual, expected);
      return o !== null && o > 0;
    }
    case 'lt': {
      const o = order(actual, expected);
      return o !== null && o < 0;
    }
    case 'in': {
      const list = Array.isArray(expected)
        ? expected
        : String(expected ?? '')
            .split(',')
            .map((s) => s.trim());
      return list.some((x) => looselyEqual(actual, x));
    }
  }
}
