/**
 * Channels that connect themselves: where the provider's API allows it (Telegram's setWebhook),
 * saving a channel points the provider at its webhook URL, and deleting it undoes that. What
 * happened is kept on the channel (`config.connection`) and shown on its card, including why it
 * could not be done, so a channel never fails silently.
 */
import { and, eq, sql } from 'drizzle-orm';
import { channels, type Executor } from '@switchboard/db';
import type { Config } from '../config';
import { egressFor } from '../egress';
import { adapterFor, ProviderError } from './adapters';
import { toLoaded } from './channel-store';

export interface ConnectionStatus {
  state: 'connected' | 'not_connected' | 'failed';
  message: string;
  at: string;
}

type Deps = { db: Executor; config: Pick<Config, 'appSecret' | 'publicUrl' | 'egressAllow'> };
type Row = typeof channels.$inferSelect;

/** Telegram delivers webhooks only to HTTPS on these ports (Bot API, setWebhook). */
const TELEGRAM_PORTS = new Set(['443', '80', '88', '8443']);

/** Why the provider could not reach this server's webhook URL, or null when it can. */
export function unreachableReason(type: string, webhookUrl: string): string | null {
  if (type !== 'telegram') return null;
  const url = new URL(webhookUrl);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  if (url.protocol === 'https:' && TELEGRAM_PORTS.has(port)) return null;
  return `Telegram only calls HTTPS addresses on port 443, 80, 88 or 8443, and this server's address is ${url.origin}. Set PUBLIC_URL to the public https:// address of this server, then save the channel again.`;
}

/** Points the provider at `webhookUrl` and records the outcome on the channel; null when the type has nothing to connect. */
export async function connectChannel(deps: Deps, row: Row, webhookUrl: string): Promise<ConnectionStatus | null> {
  const adapter = adapterFor(row.type);
  if (!adapter?.connect) return null;
  const at = new Date().toISOString();
  let status: ConnectionStatus;
  const reason = unreachableReason(row.type, webhookUrl);
  if (reason) status = { state: 'not_connected', message: reason, at };
  else {
    try {
      const config = adapter.configSchema.parse(toLoaded(deps.config.appSecret, row).config);
      if ((await adapter.connect(config, webhookUrl, { egress: egressFor(deps.config) })) === false) return null;
      status = { state: 'connected', message: `${adapter.label} sends messages to this server's webhook.`, at };
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      status = { state: 'failed', message: `${adapter.label} refused the webhook: ${err.message}`, at };
    }
  }
  await deps.db
    .update(channels)
    .set({ config: sql`${channels.config} || ${JSON.stringify({ connection: status })}::jsonb` })
    .where(and(eq(channels.id, row.id), eq(channels.workspaceId, row.workspaceId)));
  return status;
}

/** Undoes `connect` at the provider (Telegram deleteWebhook); a failure there does not keep the channel. */
export async function disconnectChannel(deps: Deps, row: Row, log: (message: string) => void): Promise<void> {
  const adapter = adapterFor(row.type);
  if (!adapter?.disconnect) return;
  try {
    const config = adapter.configSchema.parse(toLoaded(deps.config.appSecret, row).config);
    await adapter.disconnect(config, { egress: egressFor(deps.config) });
  } catch (err) {
    log(`${adapter.label} webhook not removed: ${(err as Error).message}`);
  }
}

/**
 * Meta's verification handshake succeeded: the owner pasted the webhook URL and verify token in
 * Meta's app settings, so the channel is connected (its card adds when the last event came in).
 * A failed attempt is not recorded: anyone may call the URL with a wrong token.
 */
export async function recordHandshake(db: Executor, channelId: string): Promise<void> {
  const status: ConnectionStatus = { state: 'connected', message: 'Meta verified this webhook.', at: new Date().toISOString() };
  await db
    .update(channels)
    .set({ config: sql`${channels.config} || ${JSON.stringify({ connection: status })}::jsonb` })
    .where(eq(channels.id, channelId));
}
