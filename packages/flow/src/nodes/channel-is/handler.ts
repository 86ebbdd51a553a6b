import type { NodeHandler } from '../../types';
import { branch } from '../result';
import { matchesChannel } from '../shared';
import type { ChannelIsConfig } from './definition';

/** `true` when the conversation's channel (type or id) is one of the chosen ones. */
export const channelIs: NodeHandler<ChannelIsConfig> = async (config, ctx) => {
  const conv = ctx.data.conversation;
  const hit = conv !== null && matchesChannel(config.channels, { channelType: conv.channelType, channelId: conv.channelId });
  return branch(hit ? 'true' : 'false');
};
