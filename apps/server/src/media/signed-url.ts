import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Media is served by signed, expiring links: the server hands one out only to someone allowed
 * to see the file (an agent of its workspace, the widget visitor of its conversation, the
 * provider sending it), and `GET /media/:id` answers only a link it signed that has not expired.
 * The signature covers the file id and the expiry; anything else in the link is ignored.
 */
export const VIEW_TTL_S = 6 * 60 * 60;
/** Providers fetch outbound media when they deliver, which may be after a retry or two. */
export const PROVIDER_TTL_S = 24 * 60 * 60;

function signature(appSecret: Buffer, id: string, expires: number): string {
  return createHmac('sha256', appSecret).update(`media-url\n${id}\n${expires}`).digest('base64url');
}

/** `/media/<id>/<name>?expires=..&sig=..` on `base` (the public URL, or '' for a same-origin path). */
export function signedMediaUrl(
  base: string,
  appSecret: Buffer,
  id: string,
  options: { name?: string | null; ttlSeconds?: number; now?: number } = {},
): string {
  const expires = Math.floor((options.now ?? Date.now()) / 1000) + (options.ttlSeconds ?? VIEW_TTL_S);
  const name = encodeURIComponent(options.name || 'file');
  return `${base}/media/${id}/${name}?expires=${expires}&sig=${signature(appSecret, id, expires)}`;
}

/** True when `sig` is this server's signature of `id` until `expires`, and that is still ahead. */
export function verifyMediaSignature(
  appSecret: Buffer,
  id: string,
  expires: string | undefined,
  sig: string | undefined,
  now = Date.now(),
): boolean {
  if (!expires || !sig || !/^\d{1,12}$/.test(expires)) return false;
  if (Number(expires) * 1000 <= now) return false;
  const expected = Buffer.from(signature(appSecret, id, Number(expires)));
  const given = Buffer.from(sig);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
