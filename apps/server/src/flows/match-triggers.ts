import type { ActiveFlow } from './active-flows';
import { chooseFlow, type MessageEvent } from './choose-flow';

export type { MessageEvent };

/**
 * The flows an inbound message starts when no run waits for an answer: see chooseFlow for the rule
 * (at most one message-received flow, the first in the owner's order; conversation-opened flows
 * alongside).
 */
export function flowsForMessage(flows: ActiveFlow[], event: MessageEvent): ActiveFlow[] {
  return chooseFlow(flows, event, null).start;
}

/** Flows started when a contact gets one of `tags`. */
export function flowsForTags(flows: ActiveFlow[], tags: string[]): ActiveFlow[] {
  return flows.filter((flow) => {
    if (flow.trigger.type !== 'trigger.tag_added') return false;
    const wanted = (flow.trigger.config as { tags?: string[] }).tags ?? [];
    return wanted.length === 0 || wanted.some((t) => tags.includes(t));
  });
}
