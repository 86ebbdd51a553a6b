/**
 * The one place the web app reads `@switchboard/flow` (browser-safe "." export): node
 * definitions, document types and validation. `validateFlow` is feature-detected so the
 * editor still shows per-node schema problems if the package is older than the editor.
 */
import * as flow from '@switchboard/flow';
import type { FlowDocument, FlowEdge, FlowNodeEnvelope, NodeDefinition, Requirement } from '@switchboard/flow';

export type { FlowDocument, FlowEdge, FlowNodeEnvelope, NodeDefinition, Requirement };
export type NodeKind = 'trigger' | 'condition' | 'action';
export interface FlowIssue { nodeId?: string; field?: string; message: string; code: string }
export interface Validation { errors: FlowIssue[]; warnings: FlowIssue[] }

export const definitions: NodeDefinition[] = Object.values(flow.nodeDefinitions) as unknown as NodeDefinition[];

export function getDefinition(type: string): NodeDefinition | undefined {
  return flow.getDefinition(type);
}

/** Output handles of a node; a broken config falls back to the outputs of its defaults. */
export function outputsFor(def: NodeDefinition, config: unknown): readonly string[] {
  if (typeof def.outputs !== 'function') return def.outputs;
  const parsed = def.config.safeParse(config);
  if (parsed.success) return def.outputs(parsed.data);
  try {
    return def.outputs(config as never);
  } catch {
    return [];
  }
}

type ValidateFn = (doc: FlowDocument) => Validation;
const validateFromPackage = (flow as unknown as { validateFlow?: ValidateFn }).validateFlow;

/** Validation shown on the canvas; the server answers the same on save. */
export function validate(doc: FlowDocument): Validation {
  if (validateFromPackage) return validateFromPackage(doc);
  const errors: FlowIssue[] = [];
  const warnings: FlowIssue[] = [];
  const triggers = doc.nodes.filter((n) => getDefinition(n.type)?.kind === 'trigger');
  if (triggers.length !== 1) errors.push({ code: 'trigger_count', message: triggers.length ? 'A flow starts with exactly one trigger; remove the extra ones.' : 'Add a trigger: what starts this flow?' });
  for (const node of doc.nodes) {
    const def = getDefinition(node.type);
    if (!def) {
      errors.push({ nodeId: node.id, code: 'unknown_type', message: `Unknown step "${node.type}".` });
      continue;
    }
    const parsed = def.config.safeParse(node.config);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors.push({ nodeId: node.id, field: issue.path.join('.'), code: 'invalid_config', message: issue.message });
    }
    const hasIncoming = doc.edges.some((e) => e.target === node.id);
    if (def.kind !== 'trigger' && !hasIncoming) warnings.push({ nodeId: node.id, code: 'unreachable', message: 'Nothing leads to this step yet: connect it.' });
  }
  return { errors, warnings };
}

export type FieldHint = NonNullable<NonNullable<NodeDefinition['fields']>[string]>;
