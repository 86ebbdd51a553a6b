import { containsWholeWords, normalizeText } from '../../text/normalize';
import { MAX_INPUT_LENGTH, compileSafeRegex, safeRegexTest } from '../../text/safe-regex';
import type { TextMatchCase } from './definition';

/** Normalised, and without surrounding punctuation, so "Yes!" is exactly "yes". */
function core(text: string): string {
  return normalizeText(text).replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
}

/** Whether one case matches the text; contains_any means whole words ("hi" is not in "this"). */
export function caseMatches(c: TextMatchCase, text: string): boolean {
  switch (c.operator) {
    case 'contains_any':
      return c.values.some((v) => containsWholeWords(text, v));
    case 'exact':
      return c.values.some((v) => core(text) === core(v));
    case 'starts_with':
      return c.values.some((v) => core(text).startsWith(core(v)));
    case 'regex': {
      // Accent-insensitive: also the text without accents, unless that is the same text (case is
      // already ignored by the pattern), which spares a second pass.
      const head = text.slice(0, MAX_INPUT_LENGTH);
      const plain = normalizeText(head);
      const second = plain !== head.toLowerCase() ? plain : null;
      return c.values.some((v) => {
        const re = compileSafeRegex(v);
        return re !== null && (safeRegexTest(re, head) || (second !== null && safeRegexTest(re, second)));
      });
    }
  }
}
