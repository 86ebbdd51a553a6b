import { eq } from 'drizzle-orm';
import { channels } from '@switchboard/db';
import type { AppDeps } from '../context';
import { sealJson, unsealJson } from '../services/crypto';
import { channelDefinitions, ChannelType } from './adapters';
import { BUS_RECONNECTED } from '../events/bus';

/** A channel with its secrets unsealed: only ever held in memory, never returned by the API. */
export interface LoadedChannel {
  id: string;
  workspaceId: string;
  type: string;
  name: string;
  /** Public config and unsealed secrets merged: what the adapter's configSchema describes. */
  config: Record<string, unknown>;
  deleted: boolean;
}

export const CHANNEL_UPDATED = 'channel.updated';

export function secretFieldsOf(type: string): readonly string[] {
  const parsed = ChannelType.safeParse(type);
  return parsed.success ? channelDefinitions[parsed.data].secretFields : [];
}

/** Splits a validated config into the stored public part and the sealed secret part. */
export function splitConfig(
  key: Buffer,
  type: string,
  config: Record<string, unknown>,
): { config: Record<string, unknown>; secrets: string | null; secretsSet: string[] } {
  const secretFields = new Set(secretFieldsOf(type));
  const open: Record<string, unknown> = {};
  const hidden: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(config)) {
    if (value === undefined) continue;
    (secretFields.has(name) ? hidden : open)[name] = value;
  }
  const secretsSet = Object.keys(hidden).sort();
  return { config: open, secrets: secretsSet.length ? sealJson(key, hidden) : null, secretsSet };
}

export function unsealSecrets(key: Buffer, sealed: string | null): Record<string, unknown> {
  return sealed ? unsealJson<Record<string, unknown>>(key, sealed) : {};
}

type ChannelRow = typeof channels.$inferSelect;

export function toLoaded(key: Buffer, row: ChannelRow): LoadedChannel {
  return {
    id: row.id,
    workspaceId: row.workspaceId,
    type: row.type,
    name: row.name,
    config: { ...row.config, ...unsealSecrets(key, row.secrets) },
    deleted: row.deletedAt !== null,
  };
}

const TTL_MS = 5_000;

/**
 * Webhooks are the hot path: unsealing a channel per request costs a query and an AES pass. Entries
 * live a few seconds; `channel.updated` on the bus drops them in every process at once.
 */
export class ChannelCache {
  private readonly entries = new Map<string, { channel: LoadedChannel | null; expires: number }>();

  constructor(private readonly deps: Pick<AppDeps, 'db' | 'config' | 'events'>) {
    deps.events.subscribe((event) => {
      // After a lost LISTEN connection, updates may have been missed: start afresh.
      if (event.type === BUS_RECONNECTED) return this.entries.clear();
      if (event.type !== CHANNEL_UPDATED) return;
      const id = event.data?.channelId;
      if (typeof id === 'string') this.entries.delete(id);
      else this.entries.clear();
    });
  }

  async get(id: string): Promise<LoadedChannel | null> {
    const hit = this.entries.get(id);
    if (hit && hit.expires > Date.now()) return hit.channel;
    const [row] = await this.deps.db.select().from(channels).where(eq(channels.id, id)).limit(1);
    const channel = row ? toLoaded(this.deps.config.appSecret, row) : null;
    if (this.entries.size > 10_000) this.entries.clear();
    this.entries.set(id, { channel, expires: Date.now() + TTL_MS });
    return channel;
  }

  invalidate(id: string) {
    this.entries.delete(id);
  }
}

const caches = new WeakMap<object, ChannelCache>();

/** One cache per set of dependencies (one per process in production, one per test app). */
export function channelCache(deps: Pick<AppDeps, 'db' | 'config' | 'events'>): ChannelCache {
  let cache = caches.get(deps.events);
  if (!cache) {
    cache = new ChannelCache(deps);
    caches.set(deps.events, cache);
  }
  return cache;
}

/** Tells every process that a channel's settings changed (after the change commits). */
export async function publishChannelUpdated(deps: Pick<AppDeps, 'db' | 'config' | 'events'>, workspaceId: string, channelId: string) {
  channelCache(deps).invalidate(channelId);
  await deps.events.publish({ workspaceId, type: CHANNEL_UPDATED, data: { channelId } });
}
