/**
 * Splits text into chunks that each measure at most `limit`, breaking at a paragraph, a line or a
 * space when one sits in the second half of the chunk, and never inside a code point.
 */
export function splitText(text: string, limit: number, measure: (chunk: string) => number): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (measure(rest) > limit) {
    const points = Array.from(rest);
    let lo = 1;
    let hi = points.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (measure(points.slice(0, mid).join('')) <= limit) lo = mid;
      else hi = mid - 1;
    }
    const head = points.slice(0, lo).join('');
    const breakAt = ['\n\n', '\n', ' '].map((sep) => head.lastIndexOf(sep)).find((index) => index >= head.length / 2);
    const cut = breakAt ?? head.length;
    chunks.push(head.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0 || chunks.length === 0) chunks.push(rest);
  return chunks;
}

export const utf8Bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
export const utf16Units = (s: string): number => s.length;
