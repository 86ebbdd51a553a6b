/**
 * The flow document: React Flow's own node/edge shape plus a typed `config` per node.
 * The envelope parses `config` as an opaque object; each node's config is parsed by its
 * definition's schema (see `parseNodeConfig`) so that an unknown type or a bad field is a
 * validation issue on that node rather than a failure of the whole document.
 */
import { z } from 'zod';

export const CURRENT_SCHEMA_VERSION = 1;

export const Position = z.object({ x: z.number(), y: z.number() });
export type Position = z.infer<typeof Position>;

export const FlowNodeEnvelope = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  position: Position,
  config: z.record(z.string(), z.unknown()).default({}),
  label: z.string().optional(),
});
export type FlowNodeEnvelope = z.infer<typeof FlowNodeEnvelope>;

export const FlowEdge = z.object({
  id: z.string().min(1),
  source: z.string().min(1),
  target: z.string().min(1),
  sourceHandle: z.string().nullish(),
});
export type FlowEdge = z.infer<typeof FlowEdge>;

export const FlowDocument = z.object({
  schemaVersion: z.literal(CURRENT_SCHEMA_VERSION),
  nodes: z.array(FlowNodeEnvelope),
  edges: z.array(FlowEdge),
});
export type FlowDocument = z.infer<typeof FlowDocument>;

export const RequirementKind = z.enum(['channel', 'url', 'agent', 'team', 'setting', 'knowledge', 'ai', 'credential', 'placeholder']);
export type RequirementKind = z.infer<typeof RequirementKind>;

/**
 * Something an importer must fill in before the flow can run (a channel, a URL, ...). A
 * `placeholder` is a field that works as shipped but holds sample details (prices, delivery
 * terms): it counts as done only once its value differs from `sample`, the value the template
 * ships with (filled in from the template's own node when the file leaves it out).
 */
export const Requirement = z.object({
  kind: RequirementKind,
  nodeId: z.string().optional(),
  field: z.string().optional(),
  label: z.string(),
  sample: z.unknown().optional(),
});
export type Requirement = z.infer<typeof Requirement>;

/** A template and an export are the same thing: a document plus a name and what it needs. */
export const FlowTemplate = FlowDocument.extend({
  name: z.string().min(1),
  description: z.string().optional(),
  slug: z
    .string()
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/)
    .optional(),
  category: z.string().optional(),
  requires: z.array(Requirement).optional(),
});
export type FlowTemplate = z.infer<typeof FlowTemplate>;
