/**
 * Which flow answers a customer's message: the one rule, kept pure so the route stage, the publish
 * check and the docs all say the same thing.
 *
 * 1. A run waiting for this conversation's answer takes the message, unless the whole message is
 *    exactly a keyword of another active message flow: then the waiting run ends, "interrupted by"
 *    that flow, and that flow starts. An AI agent's run at work (running its steps, not waiting)
 *    holds the message the same way: the caller leaves it for the run (working-agent.ts).
 * 2. Otherwise at most one message-received flow starts: the first that matches, in the order the
 *    owner set in the flow list.
 * 3. Flows triggered by a conversation opening start alongside (they answer the opening, not the
 *    message).
 * When nothing answers, the caller falls back to the workspace's unanswered-message default.
 */
import { matchMessageTrigger } from '@switchboard/flow/runtime';
import { normalizeText } from '@switchboard/flow';
import type { ActiveFlow } from './active-flows';

/** What routing knows of an inbound message when it picks a flow. */
export interface MessageEvent {
  channelType: string;
  channelId: string;
  text: string;
  isFirstMessage: boolean;
  conversationOpened: boolean;
  handledBy: 'bot' | 'human';
}

/** The run of this conversation waiting for the customer's answer. */
export interface WaitingRun {
  runId: string;
  workflowId: string | null;
}

export interface FlowChoice {
  /** The waiting run that takes the message as its answer. */
  resume: string | null;
  /** The waiting run ended by an exact keyword of another flow, and that flow's name. */
  interrupt: { runId: string; byWorkflowId: string; byName: string } | null;
  /** Flows to start: conversation-opened flows, then at most one message-received flow. */
  start: ActiveFlow[];
}

type MessageFlowConfig = { keywords?: string[]; channels?: string[]; firstMessageOnly?: boolean; onlyWhenBot?: boolean };

/** `flows` must be in the owner's order (ActiveFlowCache keeps them so). */
export function chooseFlow(flows: readonly ActiveFlow[], event: MessageEvent, waiting: WaitingRun | null): FlowChoice {
  const opened = event.conversationOpened ? flows.filter((flow) => opensOn(flow, event)) : [];
  if (waiting) {
    const keywordFlow = flows.find((flow) => flow.workflowId !== waiting.workflowId && isExactKeyword(flow, event));
    if (!keywordFlow) return { resume: waiting.runId, interrupt: null, start: opened };
    return {
      resume: null,
      interrupt: { runId: waiting.runId, byWorkflowId: keywordFlow.workflowId, byName: keywordFlow.name },
      start: [...opened, keywordFlow],
    };
  }
  const first = flows.find((flow) => answersMessage(flow, event));
  return { resume: null, interrupt: null, start: first ? [...opened, first] : opened };
}

/** The interrupted run's status text, shown in run history. */
export const interruptedBy = (flowName: string) => `Interrupted by ${flowName}`;

function answersMessage(flow: ActiveFlow, event: MessageEvent): boolean {
  return flow.trigger.type === 'trigger.message_received' && matchMessageTrigger(flow.trigger.config as MessageFlowConfig, event);
}

/** The whole message, ignoring case, accents and spacing, is one of the flow's keywords. */
function isExactKeyword(flow: ActiveFlow, event: MessageEvent): boolean {
  if (!answersMessage(flow, event)) return false;
  const text = normalizeText(event.text).replace(/[.!?]+$/u, '');
  const keywords = (flow.trigger.config as MessageFlowConfig).keywords ?? [];
  return text.length > 0 && keywords.some((k) => normalizeText(k) === text);
}

function opensOn(flow: ActiveFlow, event: MessageEvent): boolean {
  if (flow.trigger.type !== 'trigger.conversation_opened') return false;
  const channels = (flow.trigger.config as { channels?: string[] }).channels;
  return !channels?.length || channels.includes('any') || channels.includes(event.channelType) || channels.includes(event.channelId);
}
