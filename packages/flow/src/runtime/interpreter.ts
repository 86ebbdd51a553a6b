/** Running one node of a flow: config parsed by its definition, then its handler. Server-only. */
import type { NodeType } from '../definitions';
import type { FlowDocument } from '../document';
import { indexFlow } from '../graph';
import { nodeHandlers } from '../handlers';
import { parseNodeConfig } from '../parse-node';
import type { HandlerContext, NodeHandler, StepResult } from '../types';

/**
 * Executes a node. A missing node or a config that does not match its schema comes back as a
 * StepResult with `error` (the owner's mistake); a handler throwing (a passing fault) propagates.
 */
export async function executeNode(doc: FlowDocument, nodeId: string, ctx: HandlerContext): Promise<StepResult> {
  const node = indexFlow(doc).nodes.get(nodeId);
  if (!node) return { effects: [], error: { message: `The step "${nodeId}" is not in this flow any more.` } };
  const parsed = parseNodeConfig(node);
  if (!parsed.ok) {
    const first = parsed.problems[0];
    return { effects: [], error: first?.field ? { field: first.field, message: first.message } : { message: first?.message ?? 'This step is not set up correctly.' } };
  }
  const handler = nodeHandlers[node.type as NodeType] as NodeHandler<unknown>;
  return handler(parsed.config, ctx);
}
