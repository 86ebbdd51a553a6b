// The one place the server reaches into @switchboard/channels for adapters.
// TODO(channels): switch to the package's own registry once `packages/channels/src/index.ts` exists;
// until then the adapters are imported from their source files.
import { apiAdapter } from '../../../../packages/channels/src/adapters/api/index';
import { instagramAdapter } from '../../../../packages/channels/src/adapters/instagram/index';
import { messengerAdapter } from '../../../../packages/channels/src/adapters/messenger/index';
import { twilioAdapter } from '../../../../packages/channels/src/adapters/twilio/index';
import { webchatAdapter } from '../../../../packages/channels/src/adapters/webchat/index';
import { whatsappAdapter } from '../../../../packages/channels/src/adapters/whatsapp/index';
import { ChannelType, channelConfigSchemas, channelDefinitions } from '../../../../packages/channels/src/definitions';
import type { ChannelAdapter } from '../../../../packages/channels/src/types';

export { InboundParseError, ProviderError } from '../../../../packages/channels/src/errors';
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
} from '../../../../packages/channels/src/types';
export { ChannelType, channelConfigSchemas, channelDefinitions };

type AnyAdapter = ChannelAdapter<any>;

const registry: Partial<Record<ChannelType, AnyAdapter>> = {
  webchat: webchatAdapter,
  api: apiAdapter,
  twilio: twilioAdapter,
  whatsapp: whatsappAdapter,
  messenger: messengerAdapter,
  instagram: instagramAdapter,
};

/** The adapter for a channel type, or null when this build has none for it yet. */
export function adapterFor(type: string): AnyAdapter | null {
  const parsed = ChannelType.safeParse(type);
  return parsed.success ? (registry[parsed.data] ?? null) : null;
}
