/**
 * FAQ lookup with minisearch (BM25 over question and answer, prefix and light fuzzy matching).
 *
 * Confidence, 0..1: BM25 scores are unbounded and depend on the size of the knowledge base, so
 * the best hit's score is divided by the score that entry gets when the query is its own
 * question, i.e. by the best score that entry could reasonably get. Asking exactly the stored
 * question gives 1; sharing only a common word gives a small value. Capped at 1.
 */
import MiniSearch, { type SearchOptions } from 'minisearch';
import { normalizeText } from '../../text/normalize';
import type { KnowledgeEntry } from '../../types';

const STOP_WORDS = new Set(
  'a an and are at be can could do does for from have how i if in is it me my of on or our please the to we what when where which who why will with you your hi hello hey thanks'.split(
    ' ',
  ),
);

/** Lower-case, accent-free, stop words dropped, and a light English stem so "opening" finds "open". */
function processTerm(term: string): string | null {
  const t = normalizeText(term);
  if (t.length < 2 || STOP_WORDS.has(t)) return null;
  if (t.length > 5 && t.endsWith('ing')) return t.slice(0, -3);
  if (t.length > 4 && t.endsWith('ed')) return t.slice(0, -2);
  if (t.length > 3 && t.endsWith('s') && !t.endsWith('ss')) return t.slice(0, -1);
  return t;
}

const SEARCH: SearchOptions = {
  boost: { question: 3 },
  prefix: (term) => term.length >= 4,
  fuzzy: (term) => (term.length >= 5 ? 0.2 : false),
  combineWith: 'OR',
  weights: { fuzzy: 0.8, prefix: 0.9 },
};

export interface FaqHit {
  entry: KnowledgeEntry;
  confidence: number;
}

/** The best entry for `query` with its confidence, or null when nothing shares a meaningful word. */
export function findAnswer(entries: readonly KnowledgeEntry[], query: string): FaqHit | null {
  if (entries.length === 0 || !query.trim()) return null;
  const index = new MiniSearch<KnowledgeEntry>({ fields: ['question', 'answer'], idField: 'id', processTerm, searchOptions: SEARCH });
  index.addAll(entries.map((e) => ({ id: e.id, question: e.question, answer: e.answer })));
  const top = index.search(query)[0];
  if (!top) return null;
  const entry = entries.find((e) => e.id === top.id);
  if (!entry) return null;
  const self = index.search(entry.question).find((r) => r.id === entry.id)?.score ?? top.score;
  return { entry, confidence: Math.min(1, top.score / self) };
}

/** Up to `limit` entries most related to `query`, best first; all of them when there are few. */
export function rankEntries(entries: readonly KnowledgeEntry[], query: string, limit: number): KnowledgeEntry[] {
  if (entries.length <= limit) return [...entries];
  const index = new MiniSearch<KnowledgeEntry>({ fields: ['question', 'answer'], idField: 'id', processTerm, searchOptions: SEARCH });
  index.addAll(entries.map((e) => ({ id: e.id, question: e.question, answer: e.answer })));
  const byId = new Map(entries.map((e) => [e.id, e]));
  return index
    .search(query)
    .slice(0, limit)
    .map((r) => byId.get(r.id as string))
    .filter((e): e is KnowledgeEntry => e !== undefined);
}
