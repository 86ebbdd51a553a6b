/** Running one node of a flow: config parsed by its definition, then its handler. Server-only. */
import type { NodeType } from '../definitions';
import type { FlowDocument } from '../document';
import { indexFlow } from '../graph';
import { nodeHandlers } from '../handlers';
import { parseNodeConfig, type ParsedNode } from '../parse-node';
import type { HandlerContext, NodeHandler, StepResult } from '../types';

/**
 * Each node's parsed config, by the node's object: a published version's document is immutable and
 * the server keeps it in memory, so a node is parsed once, not at every step (zod's parse was 1.6%
 * of the server's thread at 200 msg/s). The config is frozen, as every later step shares it.
 */
const parsedNodes = new WeakMap<object, ParsedNode>();

function parsedNode(node: Parameters<typeof parseNodeConfig>[0]): ParsedNode {
  let parsed = parsedNodes.get(node);
  if (!parsed) {
    parsed = parseNodeConfig(node);
    if (parsed.ok) deepFreeze(parsed.config);
    parsedNodes.set(node, parsed);
  }
  return parsed;
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const inner of Object.values(value)) deepFreeze(inner);
}

/**
 * Executes a node. A missing node or a config that does not match its schema comes back as a
 * StepResult with `error` (the owner's mistake); a handler throwing (a passing fault) propagates.
 */
export async function executeNode(doc: FlowDocument, nodeId: string, ctx: HandlerContext): Promise<StepResult> {
  const node = indexFlow(doc).nodes.get(nodeId);
  if (!node) return { effects: [], error: { message: `The step "${nodeId}" is not in this flow any more.` } };
  const parsed = parsedNode(node);
  if (!parsed.ok) {
    const first = parsed.problems[0];
    return {
      effects: [],
      error: first?.field
        ? { field: first.field, message: first.message }
        : { message: first?.message ?? 'This step is not set up correctly.' },
    };
  }
  const handler = nodeHandlers[node.type as NodeType] as NodeHandler<unknown>;
  return handler(parsed.config, ctx);
}
