import { parse as parseQuery, stringify as stringifyQuery } from 'node:querystring';
import { hmac, safeEqual } from '../../signatures';

export type TwilioParams = Record<string, string | string[]>;

/**
 * X-Twilio-Signature: base64(HMAC-SHA1(auth token, url + each param name+value, names sorted by
 * code unit)). Repeated names contribute each distinct value, sorted — as twilio-node does.
 */
export function twilioSignature(authToken: string, url: string, params: TwilioParams): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name]!;
    if (Array.isArray(value)) for (const v of [...new Set(value)].sort()) data += name + v;
    else data += name + value;
  }
  return hmac('sha1', authToken, Buffer.from(data, 'utf8'), 'base64');
}

/**
 * The URLs Twilio may have signed for one request. Its back end is inconsistent about the
 * explicit default port and about query-string escaping, so twilio-node's validateRequest tries
 * four spellings; we try the same four, in the same order.
 */
export function twilioUrlVariants(url: string): string[] {
  const parsed = new URL(url);
  const withoutPort = removePort(parsed);
  const withPort = addPort(parsed);
  return [withoutPort, withPort, legacyQuery(withoutPort), legacyQuery(withPort)];
}

export function isValidTwilioSignature(header: string, authToken: string, url: string, params: TwilioParams): boolean {
  // Every variant is computed and compared so the time taken does not say which one matched.
  let ok = false;
  for (const variant of twilioUrlVariants(url)) {
    if (safeEqual(header, twilioSignature(authToken, variant, params))) ok = true;
  }
  return ok;
}

function removePort(url: URL): string {
  const copy = new URL(url);
  copy.port = '';
  return copy.toString();
}

function addPort(url: URL): string {
  if (url.port) return url.toString();
  const port = url.protocol === 'https:' ? ':443' : ':80';
  const auth = url.username || url.password ? `${url.username}${url.password ? `:${url.password}` : ''}@` : '';
  return `${url.protocol}//${auth}${url.host}${port}${url.pathname}${url.search}${url.hash}`;
}

function legacyQuery(url: string): string {
  const parsed = new URL(url);
  if (!parsed.search) return url;
  const query = stringifyQuery(parseQuery(parsed.search.slice(1)));
  parsed.search = '';
  return `${parsed.toString()}?${query}`;
}
