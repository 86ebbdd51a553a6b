/** Messages per second a broadcast sends when neither it nor its channel names a rate. */
export const DEFAULT_SEND_RATE = 50;

/**
 * The most each provider takes without throttling: WhatsApp Cloud 80 messages/s per number,
 * Telegram about 30/s per bot. Others are bounded by what one worker sends comfortably.
 */
const PROVIDER_MAX: Record<string, number> = { whatsapp: 80, telegram: 30 };
const MAX_RATE = 500;

/** The rate a broadcast on this channel runs at: asked for, else the channel's own, else 50; never over the provider's limit. */
export function sendRateFor(channelType: string, channelConfig: Record<string, unknown>, asked?: number): number {
  const configured = typeof channelConfig.sendRatePerSecond === 'number' ? channelConfig.sendRatePerSecond : undefined;
  const rate = Math.floor(asked ?? configured ?? DEFAULT_SEND_RATE);
  return Math.max(1, Math.min(rate, PROVIDER_MAX[channelType] ?? MAX_RATE));
}
