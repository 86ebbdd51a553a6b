import type { Context, MiddlewareHandler } from 'hono';
import type pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { sha256 } from '../../../services/crypto';
import { ApiError } from '../../errors';

/** rate-limiter-flexible's table, created by migration 0009 (the api never runs DDL). */
export const RATE_LIMIT_TABLE = 'rate_limits';

export interface SharedLimitOptions {
  /** Bucket name in messages, and the key prefix in the table: `login-ip`, `signup`, ... */
  name: string;
  /** Requests allowed per window. */
  points: number;
  /** The window, in seconds: it starts at a key's first request and resets when it ends. */
  durationS: number;
  pool: pg.Pool;
  /** The bucket a request draws from; `null` skips limiting for it. */
  key: (c: Context) => string | null | Promise<string | null>;
  /**
   * Keep the point only for responses this accepts (e.g. failed logins); others get it back.
   * Every request keeps its point when unset.
   */
  countWhen?: (status: number) => boolean;
}

/**
 * A fixed-window limit shared by every api process through Postgres (rate-limiter-flexible's
 * RateLimiterPostgres): N processes do not multiply it.
 *
 * The point is taken BEFORE the handler runs and given back afterwards when `countWhen` says the
 * response does not count. Counting only after the handler would let a burst of parallel
 * requests all pass the check before any of them is counted.
 *
 * Keys are stored as their SHA-256: fixed width, and no addresses or emails at rest. When
 * Postgres cannot answer, an in-process limiter of the same size stands in, so the limit holds
 * (per process) rather than failing open or answering 500.
 */
export function sharedLimit(options: SharedLimitOptions): MiddlewareHandler {
  const { name, points, durationS, countWhen } = options;
  const limiter = new RateLimiterPostgres({
    storeClient: options.pool,
    storeType: 'pool',
    tableName: RATE_LIMIT_TABLE,
    tableCreated: true,
    keyPrefix: name,
    points,
    duration: durationS,
    insuranceLimiter: new RateLimiterMemory({ keyPrefix: name, points, duration: durationS }),
  });

  return async (c, next) => {
    const raw = await options.key(c);
    if (raw === null) return next();
    const key = sha256(raw);
    try {
      await limiter.consume(key);
    } catch (rejected) {
      if (!(rejected instanceof RateLimiterRes)) throw rejected;
      const retryAfter = Math.max(1, Math.ceil(rejected.msBeforeNext / 1000));
      throw new ApiError(429, 'rate_limited', `Too many requests (${name}); retry in ${retryAfter} s`, undefined, {
        'Retry-After': String(retryAfter),
      });
    }
    await next();
    // The error handler has already turned a thrown error into c.res.
    if (countWhen && !countWhen(c.res.status)) await limiter.reward(key).catch(() => undefined);
  };
}
