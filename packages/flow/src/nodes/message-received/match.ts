import { containsWholeWords } from '../../text/normalize';
import { matchesChannel } from '../shared';
import type { MessageReceivedConfig } from './definition';

export interface InboundEvent {
  channelType: string;
  channelId: string;
  text: string;
  isFirstMessage: boolean;
  handledBy: 'bot' | 'human';
}

/**
 * Whether an inbound message starts a `trigger.message_received` flow: channel filter, first
 * message only, only while the bot handles the conversation (default true), and keywords as
 * whole words, ignoring case and accents.
 */
export function matchMessageTrigger(config: MessageReceivedConfig, event: InboundEvent): boolean {
  if (!matchesChannel(config.channels, event)) return false;
  if (config.firstMessageOnly && !event.isFirstMessage) return false;
  if ((config.onlyWhenBot ?? true) && event.handledBy !== 'bot') return false;
  if (config.keywords && config.keywords.length > 0) {
    return config.keywords.some((k) => containsWholeWords(event.text, k));
  }
  return true;
}
