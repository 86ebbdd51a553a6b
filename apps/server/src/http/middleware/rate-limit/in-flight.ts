import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from '../../errors';

export interface InFlightCapOptions {
  /** Named in the 429 message. */
  name: string;
  /** Requests of one key allowed to run at once. */
  max: number;
  /** The key (usually the client IP); `null` is not capped. */
  key: (c: Context) => string | null | Promise<string | null>;
}

/**
 * Caps how many requests of one key run at the same time; the rest are answered 429 at once.
 *
 * Password hashing (argon2, 19 MiB, tens of ms of CPU) is the reason: without a cap one address
 * can queue hundreds of hashes on the libuv pool and a real user's sign-in waits behind them.
 * Kept in process memory on purpose: it protects this process's CPU, and costs no round trip.
 */
export function inFlightCap(options: InFlightCapOptions): MiddlewareHandler {
  const { name, max } = options;
  const running = new Map<string, number>();
  return async (c, next) => {
    const key = await options.key(c);
    if (key === null) return next();
    const now = running.get(key) ?? 0;
    if (now >= max)
      throw new ApiError(429, 'rate_limited', `Too many requests at once (${name}); retry in 1 s`, undefined, { 'Retry-After': '1' });
    running.set(key, now + 1);
    try {
      await next();
    } finally {
      const left = (running.get(key) ?? 1) - 1;
      if (left > 0) running.set(key, left);
      else running.delete(key);
    }
  };
}
