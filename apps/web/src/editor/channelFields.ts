import type { Channel, ChannelType } from '../api/types';
import { outsideWindowOf } from '@switchboard/channels/definitions';
import { CHANNEL_TYPES } from '../channels/channelTypes';
import type { NodeDefinition } from '../flow';

/** The channel a config field belongs to, by its name: `whatsappTemplate` is WhatsApp's. */
function channelOfField(field: string): ChannelType | undefined {
  return CHANNEL_TYPES.find((t) => field.startsWith(t) && /^[A-Z]/.test(field.slice(t.length)));
}

/**
 * Config fields to leave out of the form: those of a channel the workspace has not connected
 * (a website-only shop never needs the WhatsApp 24-hour template). A field already filled in
 * stays, so nothing set is ever hidden.
 */
export function hiddenFields(def: NodeDefinition, config: Record<string, unknown>, channels: Channel[]): Set<string> {
  const connected = new Set(channels.map((c) => c.type));
  // A Twilio WhatsApp sender needs the template too: whatever channel has the template rule counts.
  const templateRule = channels.some((c) => outsideWindowOf(c.type, c.config) === 'template');
  const hidden = new Set<string>();
  const shape = (def.config as unknown as { shape?: Record<string, unknown> }).shape ?? {};
  for (const field of Object.keys(shape)) {
    const channel = channelOfField(field);
    if (field === def.templateField && templateRule) continue;
    if (channel && !connected.has(channel) && config[field] === undefined) hidden.add(field);
  }
  return hidden;
}
