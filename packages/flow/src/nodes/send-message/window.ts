/** Meta's customer-service window: free-form messages only within 24 hours of the customer's last one. */
export const WINDOW_MS = 24 * 60 * 60 * 1000;

export function isWindowOpen(lastInboundAt: string | null, now: Date): boolean {
  if (!lastInboundAt) return false;
  const t = Date.parse(lastInboundAt);
  return !Number.isNaN(t) && now.getTime() - t < WINDOW_MS;
}

export function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}
