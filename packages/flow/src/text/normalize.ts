/**
 * Text comparison used by keyword triggers, text match and validation: case- and
 * accent-insensitive ("Crème" matches "creme"), whitespace collapsed. Browser-safe.
 */

/** Lower-cases, strips combining marks after NFD decomposition and collapses whitespace. */
export function normalizeText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/gu, ' ').trim();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * True when `needle` occurs in `haystack` as whole words ("price" in "what's the price?",
 * not in "priceless"). Both are normalised first.
 */
export function containsWholeWords(haystack: string, needle: string): boolean {
  const n = normalizeText(needle);
  if (!n) return false;
  const h = normalizeText(haystack);
  // Lookarounds on letters/digits instead of \b, which is ASCII-only even with the u flag.
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(n)}(?![\\p{L}\\p{N}])`, 'u');
  return pattern.test(h);
}
