import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from '../../errors';
import { headerOf, readRawBody } from '../../node-request';

export interface JsonGuardOptions {
  /** Deepest nesting of arrays and objects accepted; 32 unless said otherwise. */
  maxDepth?: number;
  /**
   * Refuse strings (values and keys) holding NUL or an unpaired surrogate, which Postgres cannot
   * store. Off for channel webhooks: a provider's message is stored without those characters
   * rather than refused on every redelivery.
   */
  strictText?: boolean;
  /** Bytes read at most; the body limit middleware before this one enforces the route's own. */
  maxSize?: number;
}

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;
const DEFAULT_MAX_SIZE = 5 * 1024 * 1024;

/**
 * Looks at JSON bodies before any handler, validator or the database does: nesting deeper than
 * `maxDepth` is refused by a linear scan of the bytes (no parse, no recursion), and with
 * `strictText` a NUL or lone surrogate anywhere (or a NUL in the URL) is refused naming its
 * field path. All answer 400. The bytes read are left in Hono's body cache, so validators, `c.req.text()` and
 * readRawBody (webhook signatures) all see exactly what was sent.
 */
export function jsonGuard(options: JsonGuardOptions = {}): MiddlewareHandler {
  const maxDepth = options.maxDepth ?? 32;
  const maxSize = options.maxSize ?? DEFAULT_MAX_SIZE;
  return async (c, next) => {
    if (options.strictText !== false) refuseNulInUrl(c.req.url);
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const mediaType = headerOf(c, 'content-type')?.split(';')[0]?.trim() ?? '';
    if (!JSON_TYPE.test(mediaType)) return next();
    const bytes = await readRawBody(c, maxSize);
    cacheBody(c, bytes);
    if (nestingDepthExceeds(bytes, maxDepth)) {
      throw new ApiError(400, 'invalid_json', `body: JSON nested deeper than ${maxDepth} levels`, [
        { field: 'body', message: `nested deeper than ${maxDepth} levels` },
      ]);
    }
    if (options.strictText !== false) {
      const field = badTextField(bytes);
      if (field !== null) {
        const message = 'holds a NUL character or an unpaired surrogate, which cannot be stored';
        throw new ApiError(400, 'invalid_text', `${field || 'body'}: ${message}`, [{ field: field || 'body', message }]);
      }
    }
    await next();
  };
}

/** A `%00` in the path or a query parameter: 400 naming it, rather than Postgres refusing it later. */
function refuseNulInUrl(href: string) {
  if (!href.includes('%00')) return;
  const url = new URL(href);
  const message = 'holds a NUL character, which cannot be stored';
  let field = 'path';
  for (const [key, value] of url.searchParams) {
    if (key.includes('\u0000') || value.includes('\u0000')) {
      field = `query.${key.replace(/\u0000/g, '\\u0000')}`;
      break;
    }
  }
  throw new ApiError(400, 'invalid_text', `${field}: ${message}`, [{ field, message }]);
}

function cacheBody(c: Context, bytes: Buffer) {
  const cache = c.req.bodyCache as Record<string, Promise<unknown>>;
  cache.arrayBuffer = Promise.resolve(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  // Decoded only if someone asks (validators do; webhook handlers read the bytes).
  let text: Promise<string> | undefined;
  Object.defineProperty(cache, 'text', {
    enumerable: true,
    configurable: true,
    get: () => (text ??= Promise.resolve(bytes.toString('utf8'))),
  });
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** True when brackets outside strings nest deeper than `max`: one pass, constant memory. */
export function nestingDepthExceeds(bytes: Uint8Array, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) inString = true;
    else if (b === 0x5b || b === 0x7b) {
      if (++depth > max) return true;
    } else if (b === 0x5d || b === 0x7d) depth--;
  }
  return false;
}

/**
 * The path (`a.b.0.c`) of the first string or key holding NUL or a lone surrogate, '' for the
 * body itself, null when there is none or the body is not JSON (the validator reports that).
 * Valid JSON can only carry either as a `\u` escape (raw control bytes are invalid JSON and bad
 * UTF-8 decodes to U+FFFD), so bodies without one are not parsed here at all.
 */
export function badTextField(bytes: Buffer): string | null {
  if (bytes.indexOf('\\u') === -1) return null;
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return null;
  }
  return findBad(value, []);
}

// Linear: each alternative looks one code unit either side.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const isBadText = (s: string) => s.includes('\u0000') || LONE_SURROGATE.test(s);

function findBad(value: unknown, path: string[]): string | null {
  if (typeof value === 'string') return isBadText(value) ? path.join('.') : null;
  if (!value || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findBad(value[i], [...path, String(i)]);
      if (found !== null) return found;
    }
    return null;
  }
  for (const [key, item] of Object.entries(value)) {
    if (isBadText(key)) return [...path, printable(key)].join('.');
    const found = findBad(item, [...path, key]);
    if (found !== null) return found;
  }
  return null;
}

/** A key shown in an error message, with the offending characters made visible. */
function printable(key: string): string {
  return key.replace(/\u0000/g, '\\u0000').replace(new RegExp(LONE_SURROGATE.source, 'g'), '\uFFFD');
}
