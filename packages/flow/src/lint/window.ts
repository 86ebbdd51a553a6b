/**
 * The 24-hour rule of WhatsApp, Messenger and Instagram: free-form messages only within 24
 * hours of the customer's last message. A step that sends while that may no longer hold
 * (a proactive trigger, a long wait, a long question timeout) needs a WhatsApp template.
 */
import type { FlowEdge, FlowNodeEnvelope } from '../document';
import { edgeHandle } from '../graph';
import type { Issue } from '../issues';
import { WINDOW_CHANNEL_TYPES } from '../nodes/shared';

const DAY_MINUTES = 24 * 60;

/** Whether the flow can talk on a channel with the 24-hour rule. */
export function usesWindowChannels(triggerConfig: Record<string, unknown> | undefined, channelTypes: readonly string[] | undefined): boolean {
  const filter = triggerConfig?.channels;
  const filtered = Array.isArray(filter) && filter.length > 0 && !filter.includes('any') ? (filter as string[]) : null;
  const candidates = filtered ?? channelTypes ?? [];
  return candidates.some((c) => WINDOW_CHANNEL_TYPES.includes(c));
}

interface Inputs {
  trigger: FlowNodeEnvelope;
  nodes: Map<string, FlowNodeEnvelope>;
  configs: Map<string, Record<string, unknown>>;
  outgoing: Map<string, FlowEdge[]>;
}

function staleAfter(node: FlowNodeEnvelope, config: Record<string, unknown> | undefined, handle: string, stale: boolean): boolean {
  if (node.type === 'action.ask_question') {
    if (handle === 'reply') return false;
    const timeout = typeof config?.timeoutMinutes === 'number' ? config.timeoutMinutes : DAY_MINUTES;
    return stale || timeout >= DAY_MINUTES;
  }
  if (node.type === 'action.delay') return stale || (typeof config?.minutes === 'number' && config.minutes >= DAY_MINUTES);
  return stale;
}

function windowIssue(node: FlowNodeEnvelope, config: Record<string, unknown> | undefined): Issue | null {
  const why = 'it can be sent more than 24 hours after the customer last wrote (after a schedule, webhook or long wait), when WhatsApp, Messenger and Instagram refuse free text';
  if (node.type === 'action.send_message' && !config?.whatsappTemplate) {
    return { nodeId: node.id, field: 'whatsappTemplate', code: 'window_template_needed', message: `This message may not be delivered: ${why}. Add a WhatsApp template to this step.` };
  }
  if (node.type === 'action.ask_question' || (node.type === 'action.handoff' && config?.text)) {
    return { nodeId: node.id, code: 'window_template_needed', message: `This step may not be delivered: ${why}. Put a Send message step with a WhatsApp template before it.` };
  }
  return null;
}

/** Warnings for sending steps reachable while the 24-hour window may be closed. */
export function windowWarnings({ trigger, nodes, configs, outgoing }: Inputs): Issue[] {
  const proactive = trigger.type !== 'trigger.message_received' && trigger.type !== 'trigger.conversation_opened';
  const seen = new Set<string>();
  const warned = new Set<string>();
  const issues: Issue[] = [];
  const queue: [string, boolean][] = [[trigger.id, proactive]];
  while (queue.length) {
    const [id, stale] = queue.pop() as [string, boolean];
    const key = `${stale ? 1 : 0}${id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const node = nodes.get(id);
    if (!node) continue;
    const config = configs.get(id);
    if (stale && !warned.has(id)) {
      const issue = windowIssue(node, config);
      if (issue) {
        warned.add(id);
        issues.push(issue);
      }
    }
    for (const e of outgoing.get(id) ?? []) queue.push([e.target, staleAfter(node, config, edgeHandle(e), stale)]);
  }
  return issues;
}
