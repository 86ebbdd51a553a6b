/** Between the stored flow document and React Flow's nodes and edges (nearly the same shape). */
import type { Edge, Node } from '@xyflow/react';
import { getDefinition, outputsFor, type FlowDocument } from '../flow';

export type StepData = { config: Record<string, unknown>; label?: string };
export type StepNode = Node<StepData>;

/** The single unnamed output; stored as an edge without `sourceHandle`, drawn as handle "next". */
export const NEXT = 'next';

export function fromDoc(doc: FlowDocument): { nodes: StepNode[]; edges: Edge[] } {
  const nodes: StepNode[] = doc.nodes.map((n) => ({
    id: n.id,
    type: n.type,
    position: { x: n.position.x, y: n.position.y },
    // Lets fitView and culling work before a node is measured (big flows render lazily).
    initialWidth: 250,
    initialHeight: 110,
    data: { config: (n.config ?? {}) as Record<string, unknown>, ...(n.label ? { label: n.label } : {}) },
  }));
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const edges: Edge[] = doc.edges.map((e) => {
    let handle = e.sourceHandle ?? null;
    if (!handle) {
      const source = byId.get(e.source);
      const def = source && getDefinition(source.type);
      if (def && outputsFor(def, source.config).includes(NEXT)) handle = NEXT;
    }
    return { id: e.id, source: e.source, target: e.target, sourceHandle: handle };
  });
  return { nodes, edges };
}

export function toDoc(nodes: StepNode[], edges: Edge[]): FlowDocument {
  return {
    schemaVersion: 1,
    nodes: nodes.map((n) => ({
      id: n.id,
      type: n.type ?? '',
      position: { x: Math.round(n.position.x), y: Math.round(n.position.y) },
      config: n.data.config,
      ...(n.data.label ? { label: n.data.label } : {}),
    })),
    edges: edges.map((e) => ({
      id: e.id,
      source: e.source,
      target: e.target,
      ...(e.sourceHandle && e.sourceHandle !== NEXT ? { sourceHandle: e.sourceHandle } : {}),
    })),
  } as FlowDocument;
}

export function newId(prefix: string, taken: Set<string>): string {
  const base = prefix
    .split('.')
    .pop()!
    .replace(/[^a-z0-9]+/gi, '_');
  for (;;) {
    const id = `${base}_${Math.random().toString(36).slice(2, 6)}`;
    if (!taken.has(id)) return id;
  }
}
