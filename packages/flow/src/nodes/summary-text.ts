/** Helpers for the one-line canvas summaries of node definitions. Browser-safe. */

/** The text cut to `max` characters with an ellipsis, so a long message fits under the title. */
export function cut(text: string, max = 70): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A list as "a, b, c"; anything else (a half-filled config) as empty text. */
export function listText(value: unknown): string {
  return Array.isArray(value) ? value.join(', ') : '';
}

/** The text of a message-like field, or what to do when it is still empty. */
export function textOr(value: unknown, empty: string): string {
  return typeof value === 'string' && value ? cut(value) : empty;
}
