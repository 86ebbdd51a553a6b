import { humanize } from './zodInfo';

/**
 * Choices in a step's dropdowns as an owner would say them: a comparison "is more than", not
 * "gt". Values without an entry read as their humanized name ("Round robin").
 */
const words: Record<string, string> = {
  eq: 'is',
  neq: 'is not',
  contains: 'contains',
  gt: 'is more than',
  lt: 'is less than',
  exists: 'is filled in',
  in: 'is one of',
  contains_any: 'Contains any of the words',
  exact: 'Is exactly',
  starts_with: 'Starts with',
  regex: 'Matches a pattern (advanced)',
  agent: 'A person',
  team: 'A team',
  unassign: 'Nobody (unassign)',
  round_robin: 'Take turns',
  least_busy: 'Whoever is least busy',
};

/** HTTP methods stay as they are written: GET, POST. */
export function optionWord(value: string): string {
  if (/^[A-Z]+$/.test(value)) return value;
  return words[value] ?? humanize(value);
}
