/** Graph lookups over a flow document, indexed once per document object. Browser-safe. */
import { getDefinition } from './definitions';
import type { FlowDocument, FlowEdge, FlowNodeEnvelope } from './document';
import { NEXT } from './nodes/define';

export interface FlowIndex {
  nodes: Map<string, FlowNodeEnvelope>;
  outgoing: Map<string, FlowEdge[]>;
}

const cache = new WeakMap<FlowDocument, FlowIndex>();

/** Nodes by id (first wins on duplicates) and outgoing edges by source. */
export function indexFlow(doc: FlowDocument): FlowIndex {
  const hit = cache.get(doc);
  if (hit) return hit;
  const nodes = new Map<string, FlowNodeEnvelope>();
  for (const n of doc.nodes) if (!nodes.has(n.id)) nodes.set(n.id, n);
  const outgoing = new Map<string, FlowEdge[]>();
  for (const e of doc.edges) {
    const list = outgoing.get(e.source);
    if (list) list.push(e);
    else outgoing.set(e.source, [e]);
  }
  const index = { nodes, outgoing };
  cache.set(doc, index);
  return index;
}

/** The handle an edge leaves from; an edge without one leaves from `next`. */
export function edgeHandle(edge: FlowEdge): string {
  return edge.sourceHandle ?? NEXT;
}

/** The node to run after `nodeId` took `output` (undefined: its single next edge), or null. */
export function nextNodeId(doc: FlowDocument, nodeId: string, output?: string): string | null {
  const handle = output ?? NEXT;
  const edge = indexFlow(doc)
    .outgoing.get(nodeId)
    ?.find((e) => edgeHandle(e) === handle);
  return edge?.target ?? null;
}

/** The flow's trigger node (the first one, when a broken draft has several), or null. */
export function findTrigger(doc: FlowDocument): FlowNodeEnvelope | null {
  return doc.nodes.find((n) => getDefinition(n.type)?.kind === 'trigger') ?? null;
}
