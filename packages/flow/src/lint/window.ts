/**
 * Messaging windows: WhatsApp, Messenger and Instagram take free-form messages only within 24
 * hours of the customer's last message. After that WhatsApp takes an approved template, while
 * Messenger and Instagram take only a person's reply within 7 days (the HUMAN_AGENT tag) and no
 * template at all. A step that may send after the window closed (a proactive trigger, a long wait,
 * a long question timeout) gets the rule of each channel the flow can talk on.
 */
import { channelFactsOf, outsideWindowOf, type OutsideWindow } from '@switchboard/channels/definitions';
import { getDefinition } from '../definitions';
import type { FlowEdge, FlowNodeEnvelope } from '../document';
import { edgeHandle } from '../graph';
import type { Issue } from '../issues';

const DAY_MINUTES = 24 * 60;

/** A channel connected in the workspace; its public settings decide a Twilio number's rule. */
export interface ConnectedChannel {
  id?: string;
  type: string;
  config?: Record<string, unknown>;
}

/** Closed-window rules that apply to the flow, each with the labels of the channels it comes from. */
export type WindowRules = Map<Exclude<OutsideWindow, 'free'>, string[]>;

/**
 * The rules of the channels the flow can talk on: the trigger's channel filter (types or channel
 * ids) when it has one, otherwise every connected channel.
 */
export function windowRules(triggerConfig: Record<string, unknown> | undefined, connected: readonly ConnectedChannel[]): WindowRules {
  const filter = triggerConfig?.channels;
  const named = Array.isArray(filter) && filter.length > 0 && !filter.includes('any') ? new Set(filter as string[]) : null;
  const channels = named ? connected.filter((c) => named.has(c.type) || (c.id !== undefined && named.has(c.id))) : [...connected];
  // A type the filter names but the workspace has not connected yet still shapes the flow.
  if (named) for (const type of named) if (channelFactsOf(type) && !channels.some((c) => c.type === type)) channels.push({ type });
  const rules: WindowRules = new Map();
  for (const channel of channels) {
    const rule = outsideWindowOf(channel.type, channel.config);
    if (rule === 'free') continue;
    const label = channelFactsOf(channel.type)?.label ?? channel.type;
    const labels = rules.get(rule) ?? [];
    if (!labels.includes(label)) labels.push(label);
    rules.set(rule, labels);
  }
  return rules;
}

interface Inputs {
  trigger: FlowNodeEnvelope;
  nodes: Map<string, FlowNodeEnvelope>;
  configs: Map<string, Record<string, unknown>>;
  outgoing: Map<string, FlowEdge[]>;
  rules: WindowRules;
}

/** Whether the window may have closed when the run leaves `node` by `handle`. */
function staleAfter(node: FlowNodeEnvelope, config: Record<string, unknown> | undefined, handle: string, stale: boolean): boolean {
  const waits = getDefinition(node.type)?.waits;
  if (!waits) return stale;
  if (waits.replyOutputs?.includes(handle)) return false;
  if (stale) return true;
  return !!config && waits.maxMinutes(config) >= DAY_MINUTES;
}

function sends(node: FlowNodeEnvelope, config: Record<string, unknown> | undefined): boolean {
  const flag = getDefinition(node.type)?.sendsToCustomer;
  return typeof flag === 'function' ? !!config && flag(config) : !!flag;
}

const joined = (labels: string[]) => (labels.length > 1 ? `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}` : (labels[0] ?? ''));
const LATE = 'it can be sent more than 24 hours after the customer last wrote (after a schedule, a webhook or a long wait)';

/** What each rule asks of one sending step that may run after the window closed. */
function windowIssues(node: FlowNodeEnvelope, config: Record<string, unknown> | undefined, rules: WindowRules): Issue[] {
  const issues: Issue[] = [];
  const templateField = getDefinition(node.type)?.templateField;
  if (rules.has('template') && !(templateField && config?.[templateField])) {
    const message = `This step may not be delivered on WhatsApp: ${LATE}, when WhatsApp accepts only an approved template.`;
    issues.push(
      templateField
        ? {
            nodeId: node.id,
            field: templateField,
            code: 'window_template_needed',
            message: `${message} Add a WhatsApp template to this step.`,
          }
        : {
            nodeId: node.id,
            code: 'window_template_needed',
            message: `${message} Put a Send message step with a WhatsApp template before it.`,
          },
    );
  }
  const humanOnly = rules.get('human_agent');
  if (humanOnly) {
    const names = joined(humanOnly);
    issues.push({
      nodeId: node.id,
      code: 'window_closed',
      message: `This step may not be delivered on ${names}: ${LATE}. After 24 hours ${names} accept only a reply written by a person, within 7 days (the HUMAN_AGENT tag), and no template. Start this flow from the customer's message, or leave the reply to your team.`,
    });
  }
  return issues;
}

/** Warnings for sending steps reachable while a messaging window may be closed. */
export function windowWarnings({ trigger, nodes, configs, outgoing, rules }: Inputs): Issue[] {
  if (rules.size === 0) return [];
  const proactive = !getDefinition(trigger.type)?.startsFromCustomer;
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
    if (stale && !warned.has(id) && sends(node, config)) {
      warned.add(id);
      issues.push(...windowIssues(node, config, rules));
    }
    for (const e of outgoing.get(id) ?? []) queue.push([e.target, staleAfter(node, config, edgeHandle(e), stale)]);
  }
  return issues;
}
