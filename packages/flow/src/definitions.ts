/** The node catalog, keyed by type. Browser-safe: the editor and the API both read it. */
import type { z } from 'zod';
import { addTagDefinition } from './nodes/add-tag/definition';
import { aiAgentDefinition } from './nodes/ai-agent/definition';
import { aiReplyDefinition } from './nodes/ai-reply/definition';
import { askQuestionDefinition } from './nodes/ask-question/definition';
import { assignDefinition } from './nodes/assign/definition';
import { businessHoursDefinition } from './nodes/business-hours/definition';
import { channelIsDefinition } from './nodes/channel-is/definition';
import { compareDefinition } from './nodes/compare/definition';
import { conversationOpenedDefinition } from './nodes/conversation-opened/definition';
import { crmDefinition } from './nodes/crm/definition';
import type { NodeDefinition } from './nodes/define';
import { delayDefinition } from './nodes/delay/definition';
import { endDefinition } from './nodes/end/definition';
import { faqMatchDefinition } from './nodes/faq-match/definition';
import { handoffDefinition } from './nodes/handoff/definition';
import { httpRequestDefinition } from './nodes/http-request/definition';
import { manualDefinition } from './nodes/manual/definition';
import { messageReceivedDefinition } from './nodes/message-received/definition';
import { noteDefinition } from './nodes/note/definition';
import { randomSplitDefinition } from './nodes/random-split/definition';
import { removeTagDefinition } from './nodes/remove-tag/definition';
import { scheduleDefinition } from './nodes/schedule/definition';
import { sendMessageDefinition } from './nodes/send-message/definition';
import { setAttributeDefinition } from './nodes/set-attribute/definition';
import { setStatusDefinition } from './nodes/set-status/definition';
import { tagAddedDefinition } from './nodes/tag-added/definition';
import { textMatchDefinition } from './nodes/text-match/definition';
import { webhookDefinition } from './nodes/webhook/definition';

const all = [
  messageReceivedDefinition,
  conversationOpenedDefinition,
  webhookDefinition,
  scheduleDefinition,
  tagAddedDefinition,
  manualDefinition,
  textMatchDefinition,
  businessHoursDefinition,
  compareDefinition,
  channelIsDefinition,
  faqMatchDefinition,
  randomSplitDefinition,
  sendMessageDefinition,
  askQuestionDefinition,
  assignDefinition,
  handoffDefinition,
  addTagDefinition,
  removeTagDefinition,
  setAttributeDefinition,
  setStatusDefinition,
  noteDefinition,
  crmDefinition,
  httpRequestDefinition,
  delayDefinition,
  aiReplyDefinition,
  aiAgentDefinition,
  endDefinition,
] as const;

type AnyDefinition = (typeof all)[number];
export type NodeType = AnyDefinition['type'];

export type NodeDefinitions = { [D in AnyDefinition as D['type']]: D };
export const nodeDefinitions = Object.fromEntries(all.map((d) => [d.type, d])) as NodeDefinitions;

export const nodeTypes = all.map((d) => d.type) as NodeType[];

/** The parsed config type of one node type. */
export type NodeConfig<T extends NodeType> = z.infer<NodeDefinitions[T]['config']>;

/** A flow node with its config typed by its `type`: the discriminated union of the catalog. */
export type TypedFlowNode = {
  [T in NodeType]: { id: string; type: T; position: { x: number; y: number }; config: NodeConfig<T>; label?: string };
}[NodeType];

export function isNodeType(type: string): type is NodeType {
  return Object.hasOwn(nodeDefinitions, type);
}

/** The definition of a node type, or undefined for an unknown type. */
export function getDefinition(type: string): NodeDefinition | undefined {
  return isNodeType(type) ? (nodeDefinitions[type] as unknown as NodeDefinition) : undefined;
}

/** Output handles of a node for its config; a half-filled config in the editor gives what it can. */
export function outputsOf(def: NodeDefinition, config: unknown): readonly string[] {
  if (typeof def.outputs !== 'function') return def.outputs;
  const parsed = def.config.safeParse(config);
  if (parsed.success) return def.outputs(parsed.data);
  try {
    return def.outputs(config).filter((o) => typeof o === 'string');
  } catch {
    return [];
  }
}
