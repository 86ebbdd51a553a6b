/**
 * User-written regular expressions run on the server against customer text, so they are
 * limited: short patterns, no backreferences, no nested or adjacent-overlapping quantifiers
 * (the usual catastrophic-backtracking shapes), and a cap on the input length.
 * Browser-safe so the editor shows the same verdict as the server.
 */

export const MAX_PATTERN_LENGTH = 200;
export const MAX_INPUT_LENGTH = 2000;

/** Returns a plain-words reason the pattern is refused, or null when it is acceptable. */
export function regexProblem(pattern: string): string | null {
  if (pattern.length === 0) return 'The pattern is empty.';
  if (pattern.length > MAX_PATTERN_LENGTH) return `Keep patterns under ${MAX_PATTERN_LENGTH} characters.`;
  if (/\\[1-9]|\\k</.test(pattern)) return 'Back-references (like \\1) are not allowed.';
  // A group that contains a quantifier and is itself quantified: (a+)+, (\w*)*, (a|aa){2,}.
  if (/\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*(?:[+*]|\{\d+,)/.test(pattern)) {
    return 'Nested repetition like (a+)+ can take forever on some messages; simplify the pattern.';
  }
  // A quantified alternation group: (a|a)+ style.
  if (/\((?:[^()\\]|\\.)*\|(?:[^()\\]|\\.)*\)\s*(?:[+*]|\{\d+,)/.test(pattern)) {
    return 'A repeated group with alternatives like (a|ab)+ can take forever on some messages; simplify the pattern.';
  }
  try {
    new RegExp(pattern, 'iu');
  } catch (err) {
    return `This is not a valid pattern: ${(err as Error).message}`;
  }
  return null;
}

/** Compiles a checked pattern (case-insensitive, Unicode) or returns null when refused. */
export function compileSafeRegex(pattern: string): RegExp | null {
  if (regexProblem(pattern)) return null;
  return new RegExp(pattern, 'iu');
}

/** Tests with the input capped so even a slow pattern has bounded work. */
export function safeRegexTest(re: RegExp, input: string): boolean {
  re.lastIndex = 0;
  return re.test(input.slice(0, MAX_INPUT_LENGTH));
}
