import { ProviderError } from './errors';
import { parseRetryAfter } from './retry-after';

export const DEFAULT_TIMEOUT_MS = 10_000;

/** What an adapter reads out of a provider's error body. Unset fields fall back to HTTP rules. */
export interface ProviderErrorDetail {
  message?: string;
  code?: string;
  retryable?: boolean;
  retryAfterMs?: number;
}

export interface ProviderCall {
  provider: string;
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string | URLSearchParams;
  timeoutMs?: number;
  /** Answer the body as a Buffer (media downloads) instead of JSON or text. */
  binary?: boolean;
  describeError?(body: unknown, status: number): ProviderErrorDetail;
}

export interface ProviderResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON when the body is JSON, else the text; a Buffer for `binary` calls. */
  body: unknown;
}

/**
 * One outbound HTTP call with a deadline, mapping every failure onto ProviderError: network
 * faults, timeouts, 408, 429 and 5xx are retryable; other statuses are not and carry the
 * provider's own words.
 */
export async function callProvider(call: ProviderCall): Promise<ProviderResponse> {
  const timeoutMs = call.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let response: Response;
  let bytes: Buffer;
  try {
    response = await fetch(call.url, {
      method: call.method ?? 'POST',
      headers: call.headers,
      body: call.body,
      // Covers the body read too: a provider that stalls mid-response still times out.
      signal: AbortSignal.timeout(timeoutMs),
    });
    bytes = Buffer.from(await response.arrayBuffer());
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
    throw new ProviderError(
      timedOut ? `${call.provider} did not answer within ${timeoutMs} ms` : `${call.provider} unreachable: ${cause}`,
      { retryable: true, providerCode: timedOut ? 'timeout' : 'network', cause: err },
    );
  }
  if (response.ok && call.binary) return { status: response.status, headers: response.headers, body: bytes };
  const text = bytes.toString('utf8');
  const body = parseBody(text);
  if (response.ok) return { status: response.status, headers: response.headers, body };

  const detail = call.describeError?.(body, response.status) ?? {};
  const status = response.status;
  const retryAfterMs = detail.retryAfterMs ?? parseRetryAfter(response.headers.get('retry-after'));
  const message = detail.message ?? (text.slice(0, 300) || response.statusText);
  throw new ProviderError(`${call.provider} answered ${status}: ${message}`, {
    retryable: detail.retryable ?? (status === 408 || status === 429 || status >= 500),
    status,
    ...(retryAfterMs !== undefined && { retryAfterMs }),
    ...(detail.code !== undefined && { providerCode: detail.code }),
  });
}

function parseBody(text: string): unknown {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Narrow access into an unknown JSON body without a schema per error shape. */
export function field(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

/** Joins a configurable base URL and a path without doubling or dropping the slash. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
