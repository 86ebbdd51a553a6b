import type { Attachment } from '@switchboard/db';
import type { OutboundAttachment, OutboundLocation } from '@switchboard/channels';
import type { Config } from '../config';
import { PROVIDER_TTL_S, signedMediaUrl } from './signed-url';

/**
 * A message's files as the provider fetches them: stored files by a link signed for a day (the
 * provider downloads when it delivers), web links as they are. A file still on its way, or one
 * that failed, is not sent.
 */
export function outboundFiles(config: Pick<Config, 'publicUrl' | 'appSecret'>, attachments: Attachment[]): OutboundAttachment[] {
  const files: OutboundAttachment[] = [];
  for (const a of attachments) {
    const url = a.mediaId
      ? signedMediaUrl(config.publicUrl, config.appSecret, a.mediaId, { name: a.name ?? null, ttlSeconds: PROVIDER_TTL_S })
      : /^https?:\/\//i.test(a.url)
        ? a.url
        : null;
    if (url) files.push({ url, ...(a.contentType && { contentType: a.contentType }), ...(a.name && { name: a.name }) });
  }
  return files;
}

/** The place a message's meta names (a flow's location message), when it is a valid one. */
export function locationOf(meta: Record<string, unknown>): OutboundLocation | undefined {
  const l = meta.location as Partial<OutboundLocation> | undefined;
  if (!l || typeof l.latitude !== 'number' || typeof l.longitude !== 'number') return undefined;
  if (Math.abs(l.latitude) > 90 || Math.abs(l.longitude) > 180) return undefined;
  return {
    latitude: l.latitude,
    longitude: l.longitude,
    ...(typeof l.name === 'string' && l.name && { name: l.name }),
    ...(typeof l.address === 'string' && l.address && { address: l.address }),
  };
}
