/**
 * The channel facts the web app shows — labels, lucide icon names, blurbs, setup help and connect
 * forms — read from each channel's facts in `@switchboard/channels/definitions` (browser-safe).
 */
import {
  ChannelType as ChannelTypes,
  channelDefinitions,
  configFromForm,
  formFieldsOf,
  type ChannelFacts,
  type FormField,
} from '@switchboard/channels/definitions';
import type { ChannelType } from '../api/types';

export type { FormField as ConfigField };

/** Channel types in the order the "connect a channel" picker shows them. */
export const CHANNEL_TYPES = ChannelTypes.options as readonly ChannelType[];

const facts = (type: ChannelType) => channelDefinitions[type] as unknown as ChannelFacts;
const byType = <V>(read: (f: ChannelFacts) => V) =>
  Object.fromEntries(CHANNEL_TYPES.map((t) => [t, read(facts(t))])) as Record<ChannelType, V>;

export const CHANNEL_LABELS = byType((f) => f.label);
/** lucide icon names (`message-circle`), drawn by ChannelIcon. */
export const CHANNEL_ICONS = byType((f) => f.icon);
export const CHANNEL_BLURBS = byType((f) => f.blurb);
/** Where the owner pastes the webhook address once connected. */
export const CHANNEL_SETUP_HELP = byType((f) => f.setupHelp);
/** The connect form's fields per type, in order. */
export const CHANNEL_FIELDS = byType(formFieldsOf);

/** The config a filled-in connect form stands for (empty inputs left out, numbers typed, `smtp.*` nested). */
export function channelConfig(type: ChannelType, values: Readonly<Record<string, string | boolean>>): Record<string, unknown> {
  return configFromForm(facts(type), values);
}
