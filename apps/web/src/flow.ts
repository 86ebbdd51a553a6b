/**
 * The one place the web app reads `@switchboard/flow` (browser-safe "." export): node
 * definitions, document types and validation.
 */
import * as flow from '@switchboard/flow';
import type { ConnectedChannel, FlowDocument, FlowEdge, FlowNodeEnvelope, NodeDefinition, Requirement } from '@switchboard/flow';

export type { ConnectedChannel, FlowDocument, FlowEdge, FlowNodeEnvelope, NodeDefinition, Requirement };
export type NodeKind = 'trigger' | 'condition' | 'action';
export interface FlowIssue {
  nodeId?: string;
  field?: string;
  message: string;
  code: string;
}
export interface Validation {
  errors: FlowIssue[];
  warnings: FlowIssue[];
}

/** What an HTTP or CRM step answers in a test run when it has no sample of its own. */
export const DEFAULT_TEST_RESPONSE: { status: number; body: string } = flow.DEFAULT_TEST_RESPONSE;

/** Template sample details: the value at a field path, and whether it is still the sample. */
export const { configValue, isSample } = flow;

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

/**
 * Validation drawn on the canvas; the server answers the same on save and on publish. The
 * workspace's connected channels bring their messaging-window rules.
 */
export function validate(doc: FlowDocument, channels: readonly ConnectedChannel[] = []): Validation {
  return flow.validateFlow(doc, { channels });
}

export type FieldHint = NonNullable<NonNullable<NodeDefinition['fields']>[string]>;

/** One line for an AI agent's step in run history ("Called lookup_order"), or null for other steps. */
export const agentStepCaption: (output: unknown) => string | null = flow.agentStepCaption;
