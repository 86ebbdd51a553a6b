import type { Issue } from '../issues';
import { containsWholeWords, normalizeText } from '../text/normalize';

export interface ActiveKeywords {
  workflowId: string;
  workflowName: string;
  keywords: string[];
}

/** Two keywords catch the same messages when equal, or when one holds the other as whole words. */
function overlaps(a: string, b: string): boolean {
  const na = normalizeText(a);
  const nb = normalizeText(b);
  return na === nb || containsWholeWords(na, nb) || containsWholeWords(nb, na);
}

/** Warnings for keywords of this flow that an active flow also catches. */
export function keywordClashes(
  triggerId: string,
  keywords: readonly string[],
  active: readonly ActiveKeywords[],
  selfId?: string,
): Issue[] {
  const issues: Issue[] = [];
  for (const kw of keywords) {
    for (const other of active) {
      if (other.workflowId === selfId) continue;
      const clash = other.keywords.find((k) => overlaps(kw, k));
      if (!clash) continue;
      issues.push({
        nodeId: triggerId,
        field: 'keywords',
        code: 'keyword_clash',
        message: `The keyword "${kw}" is also caught by the active flow "${other.workflowName}" ("${clash}"), so both would answer. Change one of them.`,
      });
    }
  }
  return issues;
}
