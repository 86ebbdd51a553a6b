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
  | 'sample-response'
  /** An AI agent's tools: name, description, arguments, a request or an action, confirm. */
  | 'tools'
  /** A WhatsApp template: a synced one picked by name and language, with its values. */
  | 'whatsapp-template';

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

  // Capabilities: what the step does, read by validation, lint, the engine and the editor instead
  // of lists kept elsewhere. All optional: a step that leaves them out does none of these things.

  /** One line under the node's title on the canvas. The editor's config may be half-filled. */
  summary?: (config: Partial<z.infer<S>>) => string;
  /** The step calls another system over the network, so the engine runs it on a job of its own. */
  callsOut?: boolean;
  /** Config fields (dotted paths) rendered with the workspace's credentials; only steps that call out. */
  credentialFields?: (field: string) => boolean;
  /** The step pauses the run, which breaks a loop and may outlast a channel's messaging window. */
  waits?: NodeWait<z.infer<S>>;
  /** The step can message the customer, so a channel's messaging window applies to it. */
  sendsToCustomer?: boolean | ((config: z.infer<S>) => boolean);
  /** The config field holding a WhatsApp template, which lets the message out after the 24-hour window. */
  templateField?: string;
  /** Trigger only: the run starts from the customer's own message, so the messaging window is open. */
  startsFromCustomer?: boolean;
  /** Where the step saves values the next steps can read (`vars.order.body`, `contact.attributes.plan`). */
  saves?: (config: Partial<z.infer<S>>) => string[];
}

export interface NodeWait<C> {
  /** The longest the pause can last for this config, in minutes. */
  maxMinutes: (config: C) => number;
  /** Outputs taken because the customer wrote, where the messaging window is open again. */
  replyOutputs?: readonly string[];
}

/** The single unnamed output of a node that just carries on. */
export const NEXT = 'next';

/** Identity helper that keeps the literal `type` and the schema's inferred config. */
export function defineNode<T extends string, S extends z.ZodType>(def: NodeDefinition<T, S>): NodeDefinition<T, S> {
  return def;
}
