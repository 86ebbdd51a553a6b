/** Parsing one node's config with its definition's schema. Browser-safe. */
import { getDefinition } from './definitions';
import type { FlowNodeEnvelope } from './document';
import { plainIssue } from './issues';
import type { NodeDefinition } from './nodes/define';

export type ParsedNode =
  | { ok: true; definition: NodeDefinition; config: unknown }
  | { ok: false; definition?: NodeDefinition; problems: { field?: string; message: string; code: string }[] };

export function parseNodeConfig(node: Pick<FlowNodeEnvelope, 'type' | 'config'>): ParsedNode {
  const definition = getDefinition(node.type);
  if (!definition) {
    return { ok: false, problems: [{ code: 'unknown_node_type', message: `This step type ("${node.type}") is not known. Delete it or replace it with an available step.` }] };
  }
  const parsed = definition.config.safeParse(node.config ?? {});
  if (parsed.success) return { ok: true, definition, config: parsed.data };
  return { ok: false, definition, problems: parsed.error.issues.map((i) => ({ ...plainIssue(i), code: 'invalid_config' })) };
}
