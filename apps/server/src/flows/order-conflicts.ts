/**
 * Two live message flows that answer the same message: only the first in the owner's order does
 * (chooseFlow), so the owner is told at publish, in words, with an example message both answer.
 */
import { containsWholeWords } from '@switchboard/flow';

export interface OrderedTrigger {
  workflowId: string;
  name: string;
  position: number;
  trigger: { type: string; config: unknown } | null;
}

export interface OrderConflict {
  code: 'flow_order_conflict';
  message: string;
  otherWorkflowId: string;
  /** The flow that answers the example message (the first of the two in the order). */
  firstWorkflowId: string;
}

type Config = { keywords?: string[]; channels?: string[]; firstMessageOnly?: boolean };

/** Conflicts between `flow` and each of `others` (live flows of the same workspace). */
export function orderConflicts(flow: OrderedTrigger, others: readonly OrderedTrigger[]): OrderConflict[] {
  const conflicts: OrderConflict[] = [];
  for (const other of others) {
    if (other.workflowId === flow.workflowId) continue;
    const example = sharedMessage(flow, other);
    if (!example) continue;
    const first = flow.position < other.position || (flow.position === other.position && flow.workflowId < other.workflowId) ? flow : other;
    conflicts.push({
      code: 'flow_order_conflict',
      message: `'${flow.name}' and '${other.name}' both answer ${example} — '${first.name}' goes first; change the order?`,
      otherWorkflowId: other.workflowId,
      firstWorkflowId: first.workflowId,
    });
  }
  return conflicts;
}

/** Words for a message both flows answer ("a first message saying 'hours'"), or null when none. */
function sharedMessage(a: OrderedTrigger, b: OrderedTrigger): string | null {
  const ca = messageConfig(a);
  const cb = messageConfig(b);
  if (!ca || !cb || !channelsOverlap(ca.channels, cb.channels)) return null;
  const kind = ca.firstMessageOnly || cb.firstMessageOnly ? 'a first message' : 'a message';
  const ka = ca.keywords ?? [];
  const kb = cb.keywords ?? [];
  if (!ka.length && !kb.length) return kind === 'a first message' ? 'every first message' : 'every message';
  // A keyword of one that the other answers too (the other has no keywords, or one inside it).
  for (const [mine, theirs] of [
    [ka, kb],
    [kb, ka],
  ] as const) {
    for (const word of mine) {
      if (!theirs.length || theirs.some((k) => containsWholeWords(word, k))) return `${kind} saying '${word}'`;
    }
  }
  return null;
}

function messageConfig(flow: OrderedTrigger): Config | null {
  if (flow.trigger?.type !== 'trigger.message_received') return null;
  return (flow.trigger.config ?? {}) as Config;
}

function channelsOverlap(a: string[] | undefined, b: string[] | undefined): boolean {
  const any = (c: string[] | undefined) => !c?.length || c.includes('any');
  return any(a) || any(b) || a!.some((c) => b!.includes(c));
}

/** What a message flow answers, in words for the flow list ("Messages saying “hours”"); null for other triggers. */
export function answersInWords(trigger: { type: string; config: unknown } | null | undefined): string | null {
  if (trigger?.type !== 'trigger.message_received') return null;
  const config = (trigger.config ?? {}) as Config;
  // A draft may hold anything: only text keywords count.
  const keywords: unknown[] = Array.isArray(config.keywords) ? config.keywords : [];
  const words = keywords.filter((k): k is string => typeof k === 'string' && k.trim() !== '').map((k) => `“${k.trim()}”`);
  const which = config.firstMessageOnly ? 'First messages' : 'Messages';
  if (!words.length) return config.firstMessageOnly ? 'Every first message' : 'Every message';
  const listed = words.length === 1 ? words[0] : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
  return `${which} saying ${listed}`;
}
