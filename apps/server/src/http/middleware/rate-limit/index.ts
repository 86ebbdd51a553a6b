import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from '../../errors';
import { clientIp } from './client-ip';

export { clientIp } from './client-ip';

export interface RateLimitOptions {
  /** Bucket name in messages and metrics: `login`, `signup`, `widget`, ... */
  name: string;
  /** Requests allowed at once (the bucket's size). */
  burst: number;
  /** Tokens added back per second. */
  perSecond: number;
  /**
   * The bucket a request draws from; `null` skips limiting for it. Defaults to the client IP.
   * Several keys (per IP and per account) are several middlewares.
   */
  key?: (c: Context) => string | null | Promise<string | null>;
  /**
   * Count only responses this accepts (e.g. failed logins, refused webhooks): callers who
   * succeed are never slowed down, callers who keep failing are. Counts every request when unset.
   */
  countWhen?: (status: number) => boolean;
  /** Most buckets kept; the emptiest-refilled are dropped first. */
  maxKeys?: number;
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

const DEFAULT_MAX_KEYS = 50_000;

/**
 * A token bucket per key, answering 429 with Retry-After when it is empty.
 *
 * The buckets live in this process's memory: with N api processes behind a load balancer a
 * client gets up to N times the limit. That is a deliberate trade-off (no shared store, no
 * extra round trip on the hot path); the limits are set so that even N times them stops
 * password guessing and floods.
 */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler {
  const { name, burst, perSecond, countWhen } = options;
  const keyOf = options.key ?? clientIp;
  const maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
  const now = options.now ?? Date.now;
  const buckets = new Map<string, Bucket>();

  const refill = (bucket: Bucket, t: number) => {
    bucket.tokens = Math.min(burst, bucket.tokens + ((t - bucket.at) / 1000) * perSecond);
    bucket.at = t;
  };
  const bucketFor = (key: string, t: number) => {
    let bucket = buckets.get(key);
    if (bucket) {
      refill(bucket, t);
      // Re-insert so the Map's order is least recently used first.
      buckets.delete(key);
    } else {
      if (buckets.size >= maxKeys) evict(buckets, Math.ceil(maxKeys / 10));
      bucket = { tokens: burst, at: t };
    }
    buckets.set(key, bucket);
    return bucket;
  };

  return async (c, next) => {
    const key = await keyOf(c);
    if (key === null) return next();
    const t = now();
    const bucket = bucketFor(`${name}:${key}`, t);
    if (bucket.tokens < 1) {
      const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond));
      throw new ApiError(429, 'rate_limited', `Too many requests (${name}); retry in ${retryAfter} s`, undefined, {
        'Retry-After': String(retryAfter),
      });
    }
    if (!countWhen) {
      bucket.tokens -= 1;
      return next();
    }
    await next();
    // c.error is set when a handler threw; the error handler has already picked the status.
    if (countWhen(c.res.status)) bucket.tokens -= 1;
  };
}

function evict(buckets: Map<string, Bucket>, count: number) {
  let n = 0;
  for (const key of buckets.keys()) {
    buckets.delete(key);
    if (++n >= count) break;
  }
}
