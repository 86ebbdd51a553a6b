import { and, eq, inArray, sql } from 'drizzle-orm';
import { widgetPresence, type Database } from '@switchboard/db';
import type { LoadedChannel } from './channel-store';

/** At most one write per channel per this long, whatever the traffic. */
const EVERY_MS = 60_000;
const MAX_HOST = 255;

/**
 * The host of the page that loaded the widget, from the browser's Origin header, or undefined when
 * it should not count: no or opaque Origin (`null`, file pages), not http(s), or this server's own
 * origin (the hosted preview page and the app's live preview are not an installation).
 */
export function installHost(origin: string | undefined, publicUrl: string): string | undefined {
  if (!origin || origin === 'null') return undefined;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !url.host || url.host.length > MAX_HOST) return undefined;
  if (url.origin === new URL(publicUrl).origin) return undefined;
  return url.host.toLowerCase();
}

/**
 * Records where and when a website chat was seen installed. The Origin header is the browser's
 * word, so this is a hint for the owner ("your bubble is live"), never used for access decisions.
 * Throttled twice: in this process (no query at all within a minute) and in the upsert's WHERE
 * (several processes still write at most about once a minute per channel).
 */
export function presenceRecorder(db: Database, publicUrl: string) {
  const lastWrite = new Map<string, number>();
  return async (channel: LoadedChannel, origin: string | undefined): Promise<void> => {
    const host = installHost(origin, publicUrl);
    if (!host) return;
    const now = Date.now();
    if (now - (lastWrite.get(channel.id) ?? 0) < EVERY_MS) return;
    if (lastWrite.size > 10_000) lastWrite.clear();
    lastWrite.set(channel.id, now);
    await db
      .insert(widgetPresence)
      .values({ channelId: channel.id, workspaceId: channel.workspaceId, host, lastSeenAt: new Date(now) })
      .onConflictDoUpdate({
        target: widgetPresence.channelId,
        set: { host, lastSeenAt: new Date(now) },
        setWhere: sql`${widgetPresence.lastSeenAt} < ${new Date(now - EVERY_MS).toISOString()}::timestamptz`,
      });
  };
}

/** Where each of a workspace's website chats was last seen, by channel id. */
export async function lastSeenByChannel(
  db: Database,
  workspaceId: string,
  channelIds: string[],
): Promise<Map<string, { host: string; at: string }>> {
  if (!channelIds.length) return new Map();
  const rows = await db
    .select()
    .from(widgetPresence)
    .where(and(eq(widgetPresence.workspaceId, workspaceId), inArray(widgetPresence.channelId, channelIds)));
  return new Map(rows.map((r) => [r.channelId, { host: r.host, at: r.lastSeenAt.toISOString() }]));
}
