import { z } from 'zod';
import { defineNode, NEXT } from '../define';
import { ChannelFilter } from '../shared';
import { cut, listText } from '../summary-text';

export const MessageReceivedConfig = z.object({
  channels: ChannelFilter.optional(),
  firstMessageOnly: z.boolean().optional().describe('Only the first message of a new conversation'),
  onlyWhenBot: z.boolean().optional().describe('Only while the bot handles the conversation (not after a person took over)'),
  keywords: z
    .array(z.string().trim().min(1, 'A keyword cannot be empty.'))
    .optional()
    .describe('Start only when the message contains one of these words (any case or accents)'),
});
export type MessageReceivedConfig = z.infer<typeof MessageReceivedConfig>;

export const messageReceivedDefinition = defineNode({
  type: 'trigger.message_received',
  kind: 'trigger',
  label: 'Message received',
  icon: 'message-circle',
  description: 'Starts when a customer sends a message. Narrow it to some channels, to new conversations or to keywords.',
  config: MessageReceivedConfig,
  outputs: [NEXT],
  defaults: { channels: ['any'], onlyWhenBot: true },
  fields: { channels: { widget: 'channels' }, keywords: { widget: 'keywords', help: 'Whole words; "price" does not match "priceless".' } },
  startsFromCustomer: true,
  summary: (c) => {
    const keywords = listText(c.keywords);
    if (keywords) return `When a message mentions: ${cut(keywords, 50)}`;
    return c.firstMessageOnly ? 'When a new conversation starts' : 'When any message arrives';
  },
});
