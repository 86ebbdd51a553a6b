/**
 * Outbound HTTP for flows (HTTP request node, CRM webhooks). Owners type the URLs, so every
 * connection goes through the server's egress guard (@switchboard/egress), which refuses private,
 * loopback, link-local and metadata addresses unless the operator opened them, judging the
 * address actually connected to. A workspace's own host list can only narrow that further.
 * Redirects are not followed. Time and response size are capped.
 */
import { bareHost, EgressRefusedError, findRefusal, type EgressGuard } from '@switchboard/egress';
import { request } from 'undici';
import type { HttpRequest, HttpResponse } from '../types';

/** The guard's refusal, under the name flows have always thrown. */
export { EgressRefusedError as BlockedAddressError };
export class HttpTimeoutError extends Error {
  override name = 'HttpTimeoutError';
}
export class ResponseTooLargeError extends Error {
  override name = 'ResponseTooLargeError';
}
export class HttpAbortedError extends Error {
  override name = 'HttpAbortedError';
}

const abortReason = (signal: AbortSignal): string =>
  signal.reason instanceof Error ? signal.reason.message : String(signal.reason ?? 'aborted');

export interface SafeHttpOptions {
  /** The process's egress guard: the operator's rule, and the kept-alive connections. */
  egress: EgressGuard;
  /** When non-empty, the only hosts this client may call (a workspace's `httpAllowHosts`). */
  onlyHosts?: readonly string[];
  timeoutMs?: number;
  maxResponseBytes?: number;
}

export type SafeHttp = (req: HttpRequest) => Promise<HttpResponse>;

/** Creates an HTTP client over the guard; cheap, so one per workspace's run is fine. */
export function createSafeHttp(options: SafeHttpOptions): SafeHttp {
  const { egress } = options;
  const only = new Set((options.onlyHosts ?? []).map(bareHost));
  const defaultTimeout = options.timeoutMs ?? 10_000;
  const maxBytes = options.maxResponseBytes ?? 1024 * 1024;

  return async (req) => {
    const url = new URL(req.url);
    egress.assertUrl(url);
    const host = bareHost(url.hostname);
    if (only.size > 0 && !only.has(host)) throw new EgressRefusedError(host, 'not_listed');
    const timeoutMs = req.timeoutMs ?? defaultTimeout;
    const timeout = AbortSignal.timeout(timeoutMs);
    // The caller's signal (a test run's request closing) closes the connection too.
    const signal = req.signal ? AbortSignal.any([timeout, req.signal]) : timeout;
    try {
      const res = await request(url, {
        method: req.method as 'GET',
        headers: req.headers,
        body: req.body,
        dispatcher: egress.dispatcher,
        signal,
      });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > maxBytes) {
          res.body.destroy();
          throw new ResponseTooLargeError(`The response from ${url.host} is larger than ${maxBytes} bytes.`);
        }
        chunks.push(chunk as Buffer);
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      return { status: res.statusCode, headers, body: Buffer.concat(chunks).toString('utf8') };
    } catch (err) {
      if (req.signal?.aborted) throw new HttpAbortedError(`The call to ${url.host} was stopped: ${abortReason(req.signal)}.`);
      if (timeout.aborted) throw new HttpTimeoutError(`No complete answer from ${url.host} within ${timeoutMs} ms.`);
      throw findRefusal(err) ?? err;
    }
  };
}
