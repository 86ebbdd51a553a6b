import type { HttpRequest, HttpResponse } from '@switchboard/flow';
import { BlockedAddressError } from '@switchboard/flow/runtime';

/** A push that did not land: `retryable` (429, 5xx, network) comes back later; the rest waits for the owner. */
export class PushError extends Error {
  override name = 'PushError';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export type Http = (req: HttpRequest) => Promise<HttpResponse>;

/** Retry-After in seconds or as a date, in milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(headers: Record<string, string>): number | undefined {
  const value = Object.entries(headers).find(([k]) => k.toLowerCase() === 'retry-after')?.[1];
  if (!value) return undefined;
  if (/^\d{1,6}$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(at - Date.now(), 0);
}

/** The provider's own short message from an error body ({message}, {error}, or text), at most 300 characters. */
function providerMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; error?: unknown };
    const m = typeof parsed.message === 'string' ? parsed.message : typeof parsed.error === 'string' ? parsed.error : '';
    if (m) return m.slice(0, 300);
  } catch {
    // not JSON
  }
  return body.trim().slice(0, 300);
}

/** One JSON call; a non-2xx answer becomes a PushError with the provider's message. */
export async function callJson(http: Http, req: HttpRequest): Promise<unknown> {
  let res: HttpResponse;
  try {
    res = await http(req);
  } catch (err) {
    // A refused address stays refused: the owner's setting to fix, not a fault to retry.
    const refused = err instanceof BlockedAddressError;
    throw new PushError(
      refused ? (err as Error).message : `${new URL(req.url).host} could not be reached: ${(err as Error).message}`,
      !refused,
    );
  }
  if (res.status >= 200 && res.status < 300) {
    try {
      return res.body ? JSON.parse(res.body) : {};
    } catch {
      return {};
    }
  }
  const said = providerMessage(res.body ?? '');
  const message = `${new URL(req.url).host} answered ${res.status}${said ? `: ${said}` : ''}`;
  const retryable = res.status === 429 || res.status >= 500;
  throw new PushError(message, retryable, retryable ? retryAfterMs(res.headers ?? {}) : undefined);
}
