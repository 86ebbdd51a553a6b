/**
 * User-written regular expressions run on the server against customer text with V8's
 * backtracking engine, so they are limited to shapes whose worst case stays small:
 * short patterns, no back-references, no repeated group that itself repeats ((a+)+) or holds
 * alternatives ((a|ab)+), at most 2 unbounded repeats (* + {n,}), and only the first 200
 * characters of the text are tested. Unanchored, 2 repeats cost at worst about n^3 steps
 * (8e6 at 200 characters: milliseconds). A linear-time engine (RE2) would lift these limits at
 * the price of a dependency. Browser-safe so the editor shows the same verdict as the server.
 */

export const MAX_PATTERN_LENGTH = 200;
export const MAX_INPUT_LENGTH = 200;
export const MAX_UNBOUNDED_QUANTIFIERS = 2;

/** The pattern with escapes, character classes and group prefixes flattened, for shape checks. */
function skeleton(pattern: string): string {
  return pattern
    .replace(/\\./g, 'e')
    .replace(/\[(?:[^\]\\]|\\.)*\]/g, 'c')
    .replace(/\(\?(?::|=|!|<=|<!|<[A-Za-z]\w*>)/g, '(');
}

/** Returns a plain-words reason the pattern is refused, or null when it is acceptable. */
export function regexProblem(pattern: string): string | null {
  if (pattern.length === 0) return 'The pattern is empty.';
  if (pattern.length > MAX_PATTERN_LENGTH) return `Keep patterns under ${MAX_PATTERN_LENGTH} characters.`;
  if (/\\[1-9]|\\k</.test(pattern)) return 'Back-references (like \\1) are not allowed.';
  try {
    new RegExp(pattern, 'iu');
  } catch (err) {
    return `This is not a valid pattern: ${(err as Error).message}`;
  }
  const s = skeleton(pattern);
  const repeated = String.raw`\s*(?:[+*]|\{\d+,)`;
  if (new RegExp(String.raw`\([^()]*[+*?}][^()]*\)${repeated}`).test(s) || new RegExp(String.raw`[+*?}]\)${repeated}`).test(s)) {
    return 'A repeated group that itself repeats, like (a+)+, can take forever on some messages; simplify the pattern.';
  }
  if (new RegExp(String.raw`\([^()]*\|[^()]*\)${repeated}`).test(s)) {
    return 'A repeated group with alternatives, like (a|ab)+, can take forever on some messages; simplify the pattern.';
  }
  const unbounded = s.match(/[*+]|\{\d+,\}/g)?.length ?? 0;
  if (unbounded > MAX_UNBOUNDED_QUANTIFIERS) {
    return `Use at most ${MAX_UNBOUNDED_QUANTIFIERS} open-ended repeats (* or +) in one pattern; split it into several values instead.`;
  }
  return null;
}

/** Compiles a checked pattern (case-insensitive, Unicode) or returns null when refused. */
export function compileSafeRegex(pattern: string): RegExp | null {
  if (regexProblem(pattern)) return null;
  return new RegExp(pattern, 'iu');
}

/** Tests with the input capped so even the slowest accepted pattern has bounded work. */
export function safeRegexTest(re: RegExp, input: string): boolean {
  re.lastIndex = 0;
  return re.test(input.slice(0, MAX_INPUT_LENGTH));
}
