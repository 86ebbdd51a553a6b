/**
 * What is drawn on top of each node (problems, the lit path, counts), kept outside React
 * Flow's node objects so that lighting a path re-renders only the nodes whose look changed,
 * not all 500 of them.
 */
import { useSyncExternalStore } from 'react';

export interface NodeOverlay {
  errors: string[];
  warnings: string[];
  lit?: 'ok' | 'failed' | 'waiting';
  count?: number;
}

const empty: NodeOverlay = { errors: [], warnings: [] };
let overlays = new Map<string, NodeOverlay>();
const listeners = new Set<() => void>();

function same(a: NodeOverlay, b: NodeOverlay) {
  return (
    a.lit === b.lit && a.count === b.count && a.errors.join('\n') === b.errors.join('\n') && a.warnings.join('\n') === b.warnings.join('\n')
  );
}

/** Replaces one layer of the overlays for all nodes, keeping unchanged entries identical. */
export function setOverlay(update: (id: string, prev: NodeOverlay) => NodeOverlay, ids: Iterable<string>) {
  const next = new Map<string, NodeOverlay>();
  const all = new Set([...ids, ...overlays.keys()]);
  for (const id of all) {
    const prev = overlays.get(id) ?? empty;
    const value = update(id, prev);
    next.set(id, same(prev, value) ? prev : value);
  }
  overlays = next;
  listeners.forEach((l) => l());
}

export function useNodeOverlay(id: string): NodeOverlay {
  return useSyncExternalStore(
    (l) => (listeners.add(l), () => listeners.delete(l)),
    () => overlays.get(id) ?? empty,
  );
}

export function resetOverlays() {
  overlays = new Map();
  listeners.forEach((l) => l());
}
