import { channelDefinitions } from '../../definitions';
import type { ChannelAdapter } from '../../types';
import { messengerFlavour, metaMessagingAdapter } from '../meta/messaging';
import { metaSignal } from '../meta/sender-actions';
import { MessengerConfig } from './config';

/** Facebook Messenger through a Page: Send API `me/messages`, HUMAN_AGENT tag after 24 hours. */
export const messengerAdapter: ChannelAdapter<MessengerConfig> = {
  ...channelDefinitions.messenger,
  configSchema: MessengerConfig,
  ...metaMessagingAdapter(messengerFlavour),
  signal: metaSignal('Messenger'),
};
