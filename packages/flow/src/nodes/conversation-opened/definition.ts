import { z } from 'zod';
import { defineNode, NEXT } from '../define';
import { ChannelFilter } from '../shared';

export const ConversationOpenedConfig = z.object({ channels: ChannelFilter.optional() });
export type ConversationOpenedConfig = z.infer<typeof ConversationOpenedConfig>;

export const conversationOpenedDefinition = defineNode({
  type: 'trigger.conversation_opened',
  kind: 'trigger',
  label: 'Conversation opened',
  icon: 'message-square-plus',
  description: 'Starts when a new conversation begins, before any other flow answers.',
  config: ConversationOpenedConfig,
  outputs: [NEXT],
  defaults: { channels: ['any'] },
  fields: { channels: { widget: 'channels' } },
  startsFromCustomer: true,
  summary: () => 'When a customer opens a new conversation',
});
