import type { z } from 'zod';

export type NodeKind = 'trigger' | 'condition' | 'action';

/** How the inspector should draw a config field; fields without a hint get a plain input. */
export type FieldWidget =
  | 'text'
  | 'template'
  | 'multiline'
  | 'number'
  | 'select'
  | 'list'
  | 'channels'
  | 'agent'
  | 'team'
  | 'tags'
  | 'keywords'
  | 'field-path'
  | 'cron'
  | 'timezone'
  | 'keyvalue'
  | 'switch'
  /** A step's stand-in answer for test runs: a status and a body. */
  | 'sample-response';

export interface FieldHint {
  widget: FieldWidget;
  /** Plain-language hint shown under the field. */
  help?: string;
  placeholder?: string;
}

export interface NodeDefinition<T extends string = string, S extends z.ZodType = z.ZodType> {
  type: T;
  kind: NodeKind;
  label: string;
  icon: string;
  description: string;
  config: S;
  /** Output handles; `next` is the single unnamed output. Empty: the flow ends here. */
  outputs: readonly string[] | ((config: z.infer<S>) => string[]);
  /** Config a new node starts with in the editor. */
  defaults: z.input<S>;
  fields?: Partial<Record<string, FieldHint>>;
  /** Plain-language meaning of each named output, for the canvas. */
  outputLabels?: Record<string, string>;
}

/** The single unnamed output of a node that just carries on. */
export const NEXT = 'next';

/** Identity helper that keeps the literal `type` and the schema's inferred config. */
export function defineNode<T extends string, S extends z.ZodType>(def: NodeDefinition<T, S>): NodeDefinition<T, S> {
  return def;
}
