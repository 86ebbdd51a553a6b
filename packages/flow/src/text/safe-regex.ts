/**
 * Owner-written regular expressions run on the server against customer text, so they run on
 * RE2 (re2js, a pure-JavaScript port: browser-safe, so the editor shows the server's verdict).
 * RE2 matches in time linear in the text for any pattern: a backtracking blow-up such as
 * `.{0,40}.{0,40}.{0,40}.{0,40}!` or `(a+)+$` cannot happen. What RE2 cannot do in linear time
 * (back-references, lookahead, lookbehind) it refuses, and so do we, at save.
 *
 * Linear is not free: the work grows with the compiled program's size and the text's length, and
 * RE2's first pass over a new kind of text builds automaton states (cached afterwards). So the
 * program is capped at MAX_PROGRAM_SIZE instructions (a counted repeat such as `\p{L}{0,199}`
 * compiles to one copy per count; `.{0,40}.{0,40}.{0,40}.{0,40}!` is 323) and only the first
 * MAX_INPUT_LENGTH characters are tested. Measured: the costliest accepted pattern (`\p{L}{398}`)
 * takes about 0.1 s the first time it meets a long text and 0.05 ms once warm; a usual one, well
 * under a millisecond either way.
 */
import { RE2JS } from 're2js';

export const MAX_PATTERN_LENGTH = 200;
export const MAX_PROGRAM_SIZE = 400;
export const MAX_INPUT_LENGTH = 2_000;

/** A compiled owner pattern: case-insensitive, Unicode-aware, linear time. */
export interface SafeRegex {
  /** Whether the pattern occurs in the text's first MAX_INPUT_LENGTH characters. */
  test(input: string): boolean;
  /** Compiled instructions: the pattern's cost per character of text. */
  readonly size: number;
}

type Compiled = { ok: true; regex: SafeRegex } | { ok: false; problem: string };

// Flows are immutable once published and test the same few patterns on every message: compile
// each once. Bounded so a stream of distinct drafts cannot grow it without end.
const CACHE_LIMIT = 2_000;
const cache = new Map<string, Compiled>();

const LOOKAROUND = /\(\?<?[=!]/;
const BACK_REFERENCE = /\\[1-9]|\\k</;

function plainProblem(pattern: string, err: unknown): string {
  if (BACK_REFERENCE.test(pattern)) return 'Back-references (like \\1) are not supported; match the repeated text explicitly.';
  const message = err instanceof Error ? err.message.replace(/^error parsing regexp: /, '') : String(err);
  return `This is not a valid pattern: ${message}.`;
}

function compile(pattern: string): Compiled {
  if (pattern.length === 0) return { ok: false, problem: 'The pattern is empty.' };
  if (pattern.length > MAX_PATTERN_LENGTH) return { ok: false, problem: `Keep patterns under ${MAX_PATTERN_LENGTH} characters.` };
  if (LOOKAROUND.test(pattern)) {
    return {
      ok: false,
      problem:
        'Lookahead and lookbehind ((?=...), (?!...), (?<=...), (?<!...)) are not supported; use a branch before or after this one instead.',
    };
  }
  if (BACK_REFERENCE.test(pattern)) return { ok: false, problem: plainProblem(pattern, null) };
  let re: RE2JS;
  try {
    // JavaScript spellings (\u00e9, (?<name>...)) are turned into RE2's before compiling.
    re = RE2JS.compile(RE2JS.translateRegExp(pattern), RE2JS.CASE_INSENSITIVE);
  } catch (err) {
    return { ok: false, problem: plainProblem(pattern, err) };
  }
  const size = re.programSize();
  if (size > MAX_PROGRAM_SIZE) {
    return {
      ok: false,
      problem: `This pattern is too large to check quickly (${size} steps, at most ${MAX_PROGRAM_SIZE}); use smaller repeat counts such as {0,40}.`,
    };
  }
  return { ok: true, regex: { size, test: lastAnswerMemo(re) } };
}

/**
 * A flow that loops back to the same text match asks the same question again: the last answers
 * (the text and its accent-free form) are kept, so a loop of steps costs one match, not one a step.
 */
function lastAnswerMemo(re: RE2JS): (input: string) => boolean {
  const recent: { text: string; answer: boolean }[] = [];
  return (input) => {
    const text = input.length > MAX_INPUT_LENGTH ? input.slice(0, MAX_INPUT_LENGTH) : input;
    const known = recent.find((r) => r.text === text);
    if (known) return known.answer;
    const answer = re.test(text);
    if (recent.unshift({ text, answer }) > 2) recent.pop();
    return answer;
  };
}

function compiled(pattern: string): Compiled {
  let entry = cache.get(pattern);
  if (!entry) {
    entry = compile(pattern);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(pattern, entry);
  }
  return entry;
}

/** Returns a plain-words reason the pattern is refused, or null when it is acceptable. */
export function regexProblem(pattern: string): string | null {
  const entry = compiled(pattern);
  return entry.ok ? null : entry.problem;
}

/** Compiles a pattern (case-insensitive, Unicode) or returns null when it is refused. */
export function compileSafeRegex(pattern: string): SafeRegex | null {
  const entry = compiled(pattern);
  return entry.ok ? entry.regex : null;
}

/** Tests the first MAX_INPUT_LENGTH characters of the input: linear time whatever the pattern. */
export function safeRegexTest(re: SafeRegex, input: string): boolean {
  return re.test(input);
}
