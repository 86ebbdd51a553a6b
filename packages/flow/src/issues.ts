/** Turning zod issues into plain words for a shop owner. Browser-safe. */
import type { z } from 'zod';

export interface Issue {
  nodeId?: string;
  /** Dotted config path, e.g. `cases.0.values`. */
  field?: string;
  message: string;
  code: string;
}

/** zod's own messages are for developers; messages written in the schemas are kept. */
function isDefaultMessage(message: string): boolean {
  return /^(Invalid|Too (small|big)|Expected|Unrecognized)/.test(message);
}

function describeExpected(expected: string): string {
  switch (expected) {
    case 'string':
      return 'text';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'yes or no';
    case 'array':
      return 'a list';
    case 'object':
      return 'a group of settings';
    default:
      return expected;
  }
}

/**
 * The name a person sees for a config path: the inspector labels a field with its schema's
 * description, so a message says "Fill in "Minutes to wait"" rather than the key "minutes".
 */
export type FieldLabel = (path: readonly PropertyKey[]) => string | undefined;

/** One zod issue as `{field, message}` in plain words. */
export function plainIssue(issue: z.core.$ZodIssue, fieldLabel?: FieldLabel): { field?: string; message: string } {
  const field = issue.path.length ? issue.path.map(String).join('.') : undefined;
  const label = issue.path.length ? fieldLabel?.(issue.path) : undefined;
  const name = label ? `"${label}"` : issue.path.length ? `"${String(issue.path.at(-1))}"` : 'This';
  let message = issue.message;
  if (isDefaultMessage(message)) {
    switch (issue.code) {
      case 'invalid_type':
        message = /received undefined/.test(issue.message) ? `Fill in ${name}.` : `${name} should be ${describeExpected(issue.expected)}.`;
        break;
      case 'invalid_value':
        message = `Choose one of: ${issue.values.map(String).join(', ')}.`;
        break;
      case 'too_small':
        message =
          issue.origin === 'string'
            ? `${name} cannot be empty.`
            : issue.origin === 'array'
              ? `Add at least ${String(issue.minimum)} item(s) to ${name}.`
              : `${name} must be ${String(issue.minimum)} or more.`;
        break;
      case 'too_big':
        message =
          issue.origin === 'string' || issue.origin === 'array'
            ? `${name} is too long (at most ${String(issue.maximum)}).`
            : `${name} must be ${String(issue.maximum)} or less.`;
        break;
      case 'invalid_union':
        message = `Pick one of the choices for ${name}.`;
        break;
      default:
        message = `${name} is not valid.`;
    }
  }
  return field === undefined ? { message } : { field, message };
}
