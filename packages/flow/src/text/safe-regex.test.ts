import { describe, expect, it } from 'vitest';
import { MAX_INPUT_LENGTH, MAX_PROGRAM_SIZE, compileSafeRegex, regexProblem, safeRegexTest } from './safe-regex';

describe('safe regex (RE2)', () => {
  it('accepts ordinary patterns, JavaScript spellings included', () => {
    for (const p of [
      '^order\\s*#?\\d+$',
      '\\b[A-Z]-\\d{3}\\b',
      '(?:hi|hello) there',
      '[+*?]+',
      '^(?<code>\\d{4})$',
      'colou?r',
      '(ab)?c+',
      '\\u00e9t\\u00e9',
      'a/b',
    ]) {
      expect(regexProblem(p), p).toBeNull();
    }
  });

  it('accepts the shapes that backtrack forever elsewhere: RE2 runs them in linear time', () => {
    for (const p of ['(a+)+$', '(\\w*)*b', '(a|ab)+c', '.*a.*b.*c', '.{0,40}.{0,40}.{0,40}.{0,40}!']) expect(regexProblem(p), p).toBeNull();
  });

  it('refuses what RE2 cannot run in linear time, broken patterns and huge programs, in plain words', () => {
    expect(regexProblem('(a)\\1')).toMatch(/Back-references/);
    expect(regexProblem('(?<n>a)\\k<n>')).toMatch(/Back-references/);
    for (const p of ['foo(?=bar)', 'foo(?!bar)', '(?<=a)b', '(?<!a)b']) expect(regexProblem(p), p).toMatch(/Lookahead and lookbehind/);
    expect(regexProblem('(unclosed')).toMatch(/not a valid pattern: missing closing \)/);
    expect(regexProblem('')).toMatch(/empty/);
    expect(regexProblem('a'.repeat(201))).toMatch(/under 200/);
    expect(regexProblem('\\p{L}{0,490}')).toMatch(new RegExp(`at most ${MAX_PROGRAM_SIZE}`));
  });

  it('matches case-insensitively, Unicode included', () => {
    expect(safeRegexTest(compileSafeRegex('\\bA-\\d{3}\\b')!, 'my ref is a-123')).toBe(true);
    expect(safeRegexTest(compileSafeRegex('ÉCOLE')!, 'une école')).toBe(true);
    expect(safeRegexTest(compileSafeRegex('^\\d+$')!, '12a')).toBe(false);
  });

  it('answers the catastrophic shapes on long text in milliseconds, and reads only the first 5,000 characters', () => {
    for (const [p, text] of [
      ['.{0,40}.{0,40}.{0,40}.{0,40}!', 'a'.repeat(100_000)],
      ['(a+)+b$', 'a'.repeat(100_000)],
      ['(\\w\\s?)+x', 'a'.repeat(100_000)],
    ] as const) {
      const re = compileSafeRegex(p)!;
      const t0 = performance.now();
      expect(safeRegexTest(re, text), p).toBe(false);
      expect(performance.now() - t0, p).toBeLessThan(200);
    }
    expect(safeRegexTest(compileSafeRegex('!')!, `${'a'.repeat(MAX_INPUT_LENGTH)}!`)).toBe(false);
    expect(safeRegexTest(compileSafeRegex('!')!, `${'a'.repeat(MAX_INPUT_LENGTH - 1)}!`)).toBe(true);
  });
});
