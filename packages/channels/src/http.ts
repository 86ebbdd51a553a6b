import { STATUS_CODES } from 'node:http';
import { createEgressGuard, findRefusal, type EgressGuard } from '@switchboard/egress';
import { request } from 'undici';
import { networkReason, ProviderError, shortReason } from './errors';
import { parseRetryAfter } from './retry-after';
import type { SendOptions } from './types';

export const DEFAULT_TIMEOUT_MS = 10_000;

/** What an adapter reads out of a provider's error body. Unset fields fall back to HTTP rules. */
export interface ProviderErrorDetail {
  message?: string;
  code?: string;
  retryable?: boolean;
  retryAfterMs?: number;
}

export interface ProviderCall extends SendOptions {
  provider: string;
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string | URLSearchParams;
  /** Answer the body as a Buffer (media downloads) instead of JSON or text. */
  binary?: boolean;
  describeError?(body: unknown, status: number): ProviderErrorDetail;
}

/** A response's headers, read by name in any case (as fetch's Headers.get). */
export interface ResponseHeaders {
  get(name: string): string | null;
}

export interface ProviderResponse {
  status: number;
  headers: ResponseHeaders;
  /** Parsed JSON when the body is JSON, else the text; a Buffer for `binary` calls. */
  body: unknown;
}

/**
 * One outbound HTTP call with a deadline, mapping every failure onto ProviderError: network
 * faults, timeouts, 408, 429 and 5xx are retryable; other statuses are not and carry the
 * provider's own words.
 *
 * undici's `request` rather than `fetch`: on the reply path this call is made once per message,
 * and fetch's WHATWG layer (Request/Response/Headers objects, a transferable AbortSignal per
 * call) cost about half of the call's CPU in the benchmark's profile. Connections are kept alive
 * by the egress guard's one agent.
 *
 * Every connection goes through `call.egress` (the server's guard, EGRESS_ALLOW applied); without
 * one, a guard that reaches public addresses only. Redirects are not followed: a 3xx is an error.
 * What a failure says is a status and the provider's short message, or a fixed sentence for a
 * network fault: never a raw body, a socket banner or an internal address.
 */
export async function callProvider(call: ProviderCall): Promise<ProviderResponse> {
  const timeoutMs = call.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = new AbortController();
  let timedOut = false;
  // Covers the body read too: a provider that stalls mid-response still times out.
  const timer = setTimeout(() => {
    timedOut = true;
    deadline.abort();
  }, timeoutMs);
  let status: number;
  let headers: ResponseHeaders;
  let bytes: Buffer;
  try {
    const { body, contentType } = encodeBody(call.body);
    const response = await request(call.url, {
      method: call.method ?? 'POST',
      headers: contentType && !hasHeader(call.headers, 'content-type') ? { ...call.headers, 'content-type': contentType } : call.headers,
      body,
      signal: deadline.signal,
      dispatcher: (call.egress ?? publicOnly()).dispatcher,
    });
    status = response.statusCode;
    headers = headerReader(response.headers);
    bytes = Buffer.from(await response.body.arrayBuffer());
  } catch (err) {
    // A refused address stays refused: asking again cannot help, so the message fails now.
    const refusal = findRefusal(err);
    if (refusal)
      throw new ProviderError(`${call.provider} not called: ${refusal.message}`, {
        retryable: false,
        providerCode: 'egress_refused',
        cause: err,
      });
    throw new ProviderError(
      timedOut ? `${call.provider} did not answer within ${timeoutMs} ms` : `${call.provider} unreachable: ${networkReason(err)}`,
      { retryable: true, providerCode: timedOut ? 'timeout' : 'network', cause: err },
    );
  } finally {
    clearTimeout(timer);
  }
  const ok = status >= 200 && status < 300;
  if (ok && call.binary) return { status, headers, body: bytes };
  const text = bytes.toString('utf8');
  const body = parseBody(text);
  if (ok) return { status, headers, body };

  const detail = call.describeError?.(body, status) ?? {};
  const retryAfterMs = detail.retryAfterMs ?? parseRetryAfter(headers.get('retry-after'));
  // The adapter's reading of the provider's error, else the status's own name: a body the
  // adapter could not read may be anything (an HTML page, another service's answer) and stays out.
  const message = shortReason(detail.message) || STATUS_CODES[status] || 'no reason given';
  throw new ProviderError(`${call.provider} answered ${status}: ${message}`, {
    retryable: detail.retryable ?? (status === 408 || status === 429 || status >= 500),
    status,
    ...(retryAfterMs !== undefined && { retryAfterMs }),
    ...(detail.code !== undefined && { providerCode: detail.code }),
  });
}

let fallbackGuard: EgressGuard | undefined;
/** For callers that pass no guard: public addresses only, whatever the operator opened. */
export function publicOnly(): EgressGuard {
  fallbackGuard ??= createEgressGuard();
  return fallbackGuard;
}

/** The body as undici sends it, with the content type fetch would have given it by default. */
function encodeBody(body: ProviderCall['body']): { body?: string; contentType?: string } {
  if (body === undefined) return {};
  if (body instanceof URLSearchParams) return { body: body.toString(), contentType: 'application/x-www-form-urlencoded;charset=UTF-8' };
  return { body, contentType: 'text/plain;charset=UTF-8' };
}

function hasHeader(headers: Record<string, string> | undefined, name: string): boolean {
  return headers !== undefined && Object.keys(headers).some((key) => key.toLowerCase() === name);
}

/** undici answers headers as a plain object with lower-case names; repeated ones as arrays. */
function headerReader(raw: Record<string, string | string[] | undefined>): ResponseHeaders {
  return {
    get(name) {
      const value = raw[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };
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
