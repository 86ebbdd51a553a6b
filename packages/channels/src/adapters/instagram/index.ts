import { channelDefinitions } from '../../definitions';
import type { ChannelAdapter } from '../../types';
import { instagramFlavour, metaMessagingAdapter } from '../meta/messaging';
import { metaSignal } from '../meta/sender-actions';
import { InstagramConfig } from './config';

/**
 * Instagram DMs through the linked Facebook Page (graph.facebook.com by default; point `baseUrl`
 * at graph.instagram.com for Instagram Login). Text over 1,000 bytes is split into several DMs.
 */
export const instagramAdapter: ChannelAdapter<InstagramConfig> = {
  ...channelDefinitions.instagram,
  configSchema: InstagramConfig,
  ...metaMessagingAdapter(instagramFlavour),
  signal: metaSignal('Instagram'),
};
