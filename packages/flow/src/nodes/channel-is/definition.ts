import { z } from 'zod';
import { defineNode } from '../define';
import { ChannelFilter } from '../shared';
import { listText } from '../summary-text';

export const ChannelIsConfig = z.object({ channels: ChannelFilter.min(1, 'Pick at least one channel.') });
export type ChannelIsConfig = z.infer<typeof ChannelIsConfig>;

export const channelIsDefinition = defineNode({
  type: 'condition.channel_is',
  kind: 'condition',
  label: 'Channel is',
  icon: 'radio-tower',
  description: 'Checks which channel the conversation is on, e.g. to answer WhatsApp differently from website chat.',
  config: ChannelIsConfig,
  outputs: ['true', 'false'],
  defaults: { channels: [] },
  fields: { channels: { widget: 'channels' } },
  outputLabels: { true: 'Yes', false: 'No' },
  summary: (c) => listText(c.channels) || 'Choose channels',
});
