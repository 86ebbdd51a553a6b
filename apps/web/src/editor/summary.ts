import { getDefinition } from '../flow';

/** One line under a node's title saying what it does, in the owner's words, from its definition. */
export function summarize(type: string, config: Record<string, unknown>): string {
  const summary = getDefinition(type)?.summary;
  if (!summary) return '';
  try {
    return summary(config);
  } catch {
    // A config half-typed in the advanced JSON view can have any shape; the line just stays empty.
    return '';
  }
}
