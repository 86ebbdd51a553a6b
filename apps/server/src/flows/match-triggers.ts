import { matchMessageTrigger } from '@switchboard/flow/runtime';
import type { ActiveFlow } from './active-flows';

export interface MessageEvent {
  channelType: string;
  channelId: string;
  text: string;
  isFirstMessage: boolean;
  conversationOpened: boolean;
  handledBy: 'bot' | 'human';
}

/**
 * Which published flows an inbound message starts. Keyword flows win: when any flow's
 * keywords match, only those run, so a "prices" keyword flow and a catch-all welcome flow
 * never both answer the same message. Conversation-opened flows run alongside.
 */
export function flowsForMessage(flows: ActiveFlow[], event: MessageEvent): ActiveFlow[] {
  const keyword: ActiveFlow[] = [];
  const catchAll: ActiveFlow[] = [];
  const opened: ActiveFlow[] = [];
  for (const flow of flows) {
    const config = flow.trigger.config as Record<string, unknown>;
    if (flow.trigger.type === 'trigger.message_received') {
      if (!matchMessageTrigger(config, event)) continue;
      if (Array.isArray(config.keywords) && config.keywords.length > 0) keyword.push(flow);
      else catchAll.push(flow);
    } else if (flow.trigger.type === 'trigger.conversation_opened' && event.conversationOpened) {
      const channels = config.channels as string[] | undefined;
      if (!channels?.length || channels.includes('any') || channels.includes(event.channelType) || channels.includes(event.channelId)) opened.push(flow);
    }
  }
  return [...opened, ...(keyword.length ? keyword : catchAll)];
}

/** Flows started when a contact gets one of `tags`. */
export function flowsForTags(flows: ActiveFlow[], tags: string[]): ActiveFlow[] {
  return flows.filter((flow) => {
    if (flow.trigger.type !== 'trigger.tag_added') return false;
    const wanted = (flow.trigger.config as { tags?: string[] }).tags ?? [];
    return wanted.length === 0 || wanted.some((t) => tags.includes(t));
  });
}
