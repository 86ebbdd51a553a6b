/**
 * At most `limit` hits per key in each minute (a fixed window per key), in this process's memory:
 * cheap enough for a webhook's hot path (no database round trip). With several API processes the
 * bound is `limit` per process. Keys whose window ended are dropped as the map grows.
 */
export interface PerMinuteLimit {
  /** Counts a hit; null when allowed, else the seconds until the key's window ends. */
  hit(key: string, now?: number): number | null;
}

const WINDOW_MS = 60_000;
const SWEEP_AT = 10_000;

export function createPerMinuteLimit(limit: number): PerMinuteLimit {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    hit(key, now = Date.now()) {
      let w = windows.get(key);
      if (!w || now - w.start >= WINDOW_MS) {
        if (windows.size >= SWEEP_AT) for (const [k, old] of windows) if (now - old.start >= WINDOW_MS) windows.delete(k);
        w = { start: now, count: 0 };
        windows.set(key, w);
      }
      if (w.count >= limit) return Math.max(1, Math.ceil((w.start + WINDOW_MS - now) / 1000));
      w.count++;
      return null;
    },
  };
}
