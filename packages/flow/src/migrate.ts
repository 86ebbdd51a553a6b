/**
 * Forward migrations of saved flows and templates. Each step takes a document of version N to
 * N+1 and nothing else; imports run the chain, then parse with the current schema. Browser-safe.
 */
import { CURRENT_SCHEMA_VERSION } from './document';

type Doc = Record<string, unknown>;
type Migration = (doc: Doc) => Doc;

function isObject(value: unknown): value is Doc {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** v0 (early drafts, React Flow's native shape): node settings lived in `data`; v1 names it `config`. */
const v0ToV1: Migration = (doc) => ({
  ...doc,
  schemaVersion: 1,
  nodes: Array.isArray(doc.nodes)
    ? doc.nodes.map((n: unknown) => {
        if (!isObject(n) || 'config' in n) return n;
        const { data, ...rest } = n;
        const config = isObject(data) && isObject(data.config) ? data.config : isObject(data) ? data : {};
        return { ...rest, config };
      })
    : doc.nodes,
});

/** migrations[N] upgrades version N to N+1. */
const migrations: Record<number, Migration> = { 0: v0ToV1 };

/** The version a document declares; a missing version is 0. */
export function documentVersion(doc: unknown): number {
  if (!isObject(doc)) return CURRENT_SCHEMA_VERSION;
  const v = doc.schemaVersion;
  return typeof v === 'number' && Number.isInteger(v) ? v : 0;
}

/**
 * Upgrades a document (or a template/export envelope) to the current schema version. Unknown
 * and newer versions are returned unchanged so validation can say so.
 */
export function migrateDocument(doc: unknown): unknown {
  if (!isObject(doc)) return doc;
  let current: Doc = doc;
  for (let v = documentVersion(doc); v < CURRENT_SCHEMA_VERSION; v++) {
    const step = migrations[v];
    if (!step) return current;
    current = step(current);
  }
  return current;
}
