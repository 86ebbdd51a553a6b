import { describe, expect, it } from 'vitest';
import { MAX_INPUT_LENGTH, compileSafeRegex, regexProblem, safeRegexTest } from './safe-regex';

describe('safe regex', () => {
  it('accepts ordinary patterns, including groups and classes with quantifier characters', () => {
    for (const p of ['^order\\s*#?\\d+$', '\\b[A-Z]-\\d{3}\\b', '(?:hi|hello) there', '[+*?]+', '^(?<code>\\d{4})$', 'colou?r', '(ab)?c+']) {
      expect(regexProblem(p), p).toBeNull();
    }
  });

  it('refuses catastrophic shapes, back-references and broken patterns', () => {
    for (const p of ['(a+)+', '(\\w*)*b', '((a)+)+', '(a|ab)+c', '(?:x|y){2,}z', '(\\w{1,9}){2,}', 'a*a*a*b', '(a)\\1', '(unclosed', '.*a.*b.*c']) {
      expect(regexProblem(p), p).not.toBeNull();
    }
  });

  it('keeps the worst accepted pattern fast on long text', () => {
    for (const [p, text] of [['.*a.*b', 'a'.repeat(100_000)], ['\\w+\\s*\\w+x', 'a'.repeat(100_000)], ['(\\w\\s?)+x', 'a'.repeat(100_000)]] as const) {
      const re = compileSafeRegex(p);
      if (!re) continue;
      const t0 = performance.now();
      expect(safeRegexTest(re, text)).toBe(false);
      expect(performance.now() - t0, p).toBeLessThan(500);
    }
    expect(MAX_INPUT_LENGTH).toBe(200);
  });
});
