/**
 * The OpenAPI text about channel settings, written from each channel's facts and zod config so a
 * new channel documents itself.
 */
import { ChannelType, channelDefinitions, type ChannelFacts, type OutsideWindow } from '@switchboard/channels/definitions';

const AFTER_24_HOURS: Record<OutsideWindow, string> = {
  free: 'no messaging window',
  template: 'after 24 h only an approved template',
  human_agent: "after 24 h only a person's reply within 7 days (HUMAN_AGENT tag), no template",
};

type Shape = Record<string, { isOptional(): boolean }>;

/** `{field, secret*, optional?}` from the config's top-level fields; generated ones and `baseUrl` left out. */
function fieldsOf(facts: ChannelFacts): string {
  const shape = (facts.config as unknown as { shape?: Shape }).shape ?? {};
  const secrets = new Set<string>(facts.secretFields);
  const generated = new Set<string>(facts.generatedFields ?? []);
  const names = Object.entries(shape)
    .filter(([name]) => name !== 'baseUrl' && !generated.has(name))
    .map(([name, field]) => `${name}${secrets.has(name) ? '*' : ''}${field.isOptional() ? '?' : ''}`);
  return `{${names.join(', ')}}`;
}

/** One line per channel type: its settings and what its messaging window allows. */
export function channelConfigDocs(): string {
  const lines = ChannelType.options.map((type) => {
    const facts = channelDefinitions[type] as unknown as ChannelFacts;
    const rule = AFTER_24_HOURS[facts.outsideWindow];
    return `${type} (${facts.label}) ${fieldsOf(facts)}: ${facts.outsideWindowFor ? `${rule} by default, the settings can change it` : rule}`;
  });
  return `Config per type; \`*\` marks secrets (sealed, never returned), \`?\` optional, and \`baseUrl\` is optional wherever there is a provider. ${lines.join(' · ')}`;
}
