// The one place the server reaches into @switchboard/channels for adapters.
import { adapters, ChannelType, channelConfigSchemas, channelDefinitions, type ChannelAdapter } from '@switchboard/channels';

export { InboundParseError, ProviderError } from '@switchboard/channels';
export type {
  ChannelAdapter,
  HttpReply,
  InboundEvent,
  InboundMessageEvent,
  InboundRequest,
  InboundStatusEvent,
  InboundWatermarkEvent,
  OutboundMessage,
  VerifyContext,
} from '@switchboard/channels';
export { ChannelType, channelConfigSchemas, channelDefinitions };

type AnyAdapter = ChannelAdapter<any>;

/** The adapter for a channel type, or null for a type this build does not know. */
export function adapterFor(type: string): AnyAdapter | null {
  const parsed = ChannelType.safeParse(type);
  return parsed.success ? (adapters[parsed.data] as AnyAdapter) : null;
}
