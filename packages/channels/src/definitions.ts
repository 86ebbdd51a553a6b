import { z } from 'zod';
import { apiFacts } from './adapters/api/facts';
import { emailFacts } from './adapters/email/facts';
import { instagramFacts } from './adapters/instagram/facts';
import { messengerFacts } from './adapters/messenger/facts';
import { telegramFacts } from './adapters/telegram/facts';
import { twilioFacts } from './adapters/twilio/facts';
import { webchatFacts } from './adapters/webchat/facts';
import { whatsappFacts } from './adapters/whatsapp/facts';
import type { ChannelFacts, OutsideWindow } from './facts';

// Browser-safe: zod only. The web app imports this file (`@switchboard/channels/definitions`) to
// build channel forms without pulling in nodemailer or node:crypto.

/** The channel registry: one line per channel, in the order the "connect a channel" picker shows. */
const all = [webchatFacts, whatsappFacts, messengerFacts, instagramFacts, telegramFacts, twilioFacts, emailFacts, apiFacts] as const;

type AnyFacts = (typeof all)[number];
export type ChannelType = AnyFacts['type'];
export const ChannelType = z.enum(all.map((f) => f.type) as [ChannelType, ...ChannelType[]]);

export type { ChannelFacts, FormHint, OutsideWindow } from './facts';
export { configFromForm, formFieldsOf, type FormField } from './form-fields';

/** A channel's facts, plus whether it always needs a template once the 24-hour window closed. */
export type ChannelDefinition<F = ChannelFacts> = F & { requiresTemplateOutsideWindow: boolean };

export type ChannelDefinitions = { [F in AnyFacts as F['type']]: ChannelDefinition<F> };
export const channelDefinitions = Object.fromEntries(
  all.map((f) => [f.type, { ...f, requiresTemplateOutsideWindow: f.outsideWindow === 'template' }]),
) as ChannelDefinitions;

export type ChannelConfigSchemas = { [F in AnyFacts as F['type']]: F['config'] };
export const channelConfigSchemas = Object.fromEntries(all.map((f) => [f.type, f.config])) as ChannelConfigSchemas;

export type ChannelConfigs = { [T in ChannelType]: z.infer<ChannelConfigSchemas[T]> };

/** The facts of a channel type, or undefined for an unknown type. */
export function channelFactsOf(type: string): ChannelFacts | undefined {
  return Object.hasOwn(channelDefinitions, type) ? (channelDefinitions[type as ChannelType] as unknown as ChannelFacts) : undefined;
}

/** The window rule of a channel type with its settings; `free` for a type this version does not know. */
export function outsideWindowOf(type: string, config?: Record<string, unknown>): OutsideWindow {
  const facts = channelFactsOf(type);
  return facts ? (facts.outsideWindowFor && config ? facts.outsideWindowFor(config) : facts.outsideWindow) : 'free';
}
