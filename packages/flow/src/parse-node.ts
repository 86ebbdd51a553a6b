/** Parsing one node's config with its definition's schema. Browser-safe. */
import { getDefinition } from './definitions';
import type { FlowNodeEnvelope } from './document';
import { plainIssue, type FieldLabel } from './issues';
import type { NodeDefinition } from './nodes/define';

export type ParsedNode =
  | { ok: true; definition: NodeDefinition; config: unknown }
  | { ok: false; definition?: NodeDefinition; problems: { field?: string; message: string; code: string }[] };

export function parseNodeConfig(node: Pick<FlowNodeEnvelope, 'type' | 'config'>): ParsedNode {
  const definition = getDefinition(node.type);
  if (!definition) {
    return {
      ok: false,
      problems: [
        {
          code: 'unknown_node_type',
          message: `This step type ("${node.type}") is not known. Delete it or replace it with an available step.`,
        },
      ],
    };
  }
  const parsed = definition.config.safeParse(node.config ?? {});
  if (parsed.success) return { ok: true, definition, config: parsed.data };
  const label = fieldLabel(definition);
  return { ok: false, definition, problems: parsed.error.issues.map((i) => ({ ...plainIssue(i, label), code: 'invalid_config' })) };
}

type Described = { description?: string; shape?: Record<string, Described>; _zod?: { def?: { innerType?: Described } } };

/** A top-level field's label as the inspector shows it: its description, without a "(…)" detail. */
function fieldLabel(definition: NodeDefinition): FieldLabel {
  const shape = (definition.config as unknown as Described).shape;
  return (path) => {
    let schema = path.length === 1 && typeof path[0] === 'string' ? shape?.[path[0]] : undefined;
    let description: string | undefined;
    // Optional/default wrappers may carry the description or leave it on the inner schema.
    for (let depth = 0; schema && !description && depth < 4; depth++) {
      description = schema.description;
      schema = schema._zod?.def?.innerType;
    }
    // "Channels (types like ...)" is labelled "Channels": the detail is the field's help.
    return description?.split(' (')[0]!.trim() || undefined;
  };
}
