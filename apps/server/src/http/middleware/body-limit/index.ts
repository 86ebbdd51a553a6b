import { bodyLimit as honoBodyLimit } from 'hono/body-limit';
import type { MiddlewareHandler } from 'hono';
import { payloadTooLarge } from '../../errors';
import { headerOf } from '../../node-request';

export interface BodyLimitOptions {
  /** Bytes; 1 MB unless a route asks for more (imports) or less. */
  maxSize?: number;
}

const DEFAULT_MAX = 1024 * 1024;

/**
 * Refuses bodies over the limit with a 413 in the API's error shape, before reading them whole.
 * A body with a Content-Length is judged by it without touching the body (Node's parser never
 * reads past it), so on Node no WHATWG Request is built for it (see node-request.ts); a chunked
 * one is counted as it is read, by hono's middleware. A body an earlier middleware has read is
 * judged by its cached bytes.
 */
export function bodyLimit(options: BodyLimitOptions = {}): MiddlewareHandler {
  const maxSize = options.maxSize ?? DEFAULT_MAX;
  const tooLarge = () => {
    throw payloadTooLarge(maxSize);
  };
  const counting = honoBodyLimit({ maxSize, onError: tooLarge });
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    // Already read whole by an earlier middleware (the JSON guard): judge the bytes it holds.
    const cached = (c.req.bodyCache as { arrayBuffer?: Promise<ArrayBuffer> }).arrayBuffer;
    if (cached) return (await cached).byteLength > maxSize ? tooLarge() : next();
    const length = headerOf(c, 'content-length');
    if (length === undefined || headerOf(c, 'transfer-encoding') !== undefined) return counting(c, next);
    return Number.parseInt(length, 10) > maxSize ? tooLarge() : next();
  };
}
