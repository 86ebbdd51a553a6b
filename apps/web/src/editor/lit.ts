import type { Edge } from '@xyflow/react';
import type { NodeOverlay } from './overlay';

export interface Lit {
  nodes: Map<string, NonNullable<NodeOverlay['lit']>>;
  edges: Set<string>;
}
export const noLight: Lit = { nodes: new Map(), edges: new Set() };

/** Turns a path (simulator or a past run) into lit nodes and the edges between them. */
export function lightPath(path: { nodeId: string; output?: string | null; status: string }[], edges: Edge[]): Lit {
  const nodes = new Map<string, NonNullable<NodeOverlay['lit']>>();
  const lit = new Set<string>();
  path.forEach((step, i) => {
    const status = /fail|error/.test(step.status) ? 'failed' : /wait/.test(step.status) ? 'waiting' : 'ok';
    if (nodes.get(step.nodeId) !== 'failed') nodes.set(step.nodeId, status);
    const next = path[i + 1];
    if (!next || next.nodeId === step.nodeId) return;
    const candidates = edges.filter((e) => e.source === step.nodeId && e.target === next.nodeId);
    const edge =
      candidates.find((e) => !step.output || e.sourceHandle === step.output || (!e.sourceHandle && step.output === 'next')) ??
      candidates[0];
    if (edge) lit.add(edge.id);
  });
  return { nodes, edges: lit };
}
