/**
 * Outbound HTTP for flows (HTTP request node, CRM webhooks). Owners type the URLs, so a flow
 * must not reach the server's own network: every address a connection would use is checked
 * and anything but public unicast (loopback, private, link-local such as the cloud metadata
 * address 169.254.169.254, unique-local, unspecified, multicast, ...) is refused, unless the
 * host is explicitly allowed. The check sits in the socket's own DNS lookup, so the address
 * checked is the address connected to: a name that re-resolves to 127.0.0.1 later cannot slip
 * through (DNS rebinding). Redirects are not followed. Time and response size are capped.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, request } from 'undici';
import type { HttpRequest, HttpResponse } from '../types';

export class BlockedAddressError extends Error {
  override name = 'BlockedAddressError';
}
export class HttpTimeoutError extends Error {
  override name = 'HttpTimeoutError';
}
export class ResponseTooLargeError extends Error {
  override name = 'ResponseTooLargeError';
}
export class HttpAbortedError extends Error {
  override name = 'HttpAbortedError';
}

const abortReason = (signal: AbortSignal): string => (signal.reason instanceof Error ? signal.reason.message : String(signal.reason ?? 'aborted'));

export interface SafeHttpOptions {
  /** Host names or IP literals reachable even when they resolve to private addresses. */
  allowHosts?: string[];
  timeoutMs?: number;
  maxResponseBytes?: number;
}

export interface SafeHttp {
  (req: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
}

/** The ipaddr.js range name when the address is not public unicast, else null. */
export function blockedRange(address: string): string | null {
  const range = ipaddr.process(address).range();
  return range === 'unicast' ? null : range;
}

function refusal(host: string, address: string, range: string): BlockedAddressError {
  const shown = host === address ? address : `${host} (${address})`;
  return new BlockedAddressError(`Refused to connect to ${shown}: it is a ${range} address, and requests to private networks are not allowed.`);
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** Creates an HTTP client that refuses private addresses. */
export function createSafeHttp(options: SafeHttpOptions = {}): SafeHttp {
  const allowed = new Set((options.allowHosts ?? []).map((h) => h.toLowerCase().replace(/^\[|\]$/g, '')));
  const defaultTimeout = options.timeoutMs ?? 10_000;
  const maxBytes = options.maxResponseBytes ?? 1024 * 1024;

  function safeLookup(hostname: string, opts: LookupOptions, callback: LookupCallback): void {
    dnsLookup(hostname, { ...opts, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const usable = allowed.has(hostname.toLowerCase()) ? addresses : addresses.filter((a) => blockedRange(a.address) === null);
      if (usable.length === 0) {
        const first = addresses[0];
        return callback(first ? refusal(hostname, first.address, blockedRange(first.address) ?? 'private') : new BlockedAddressError(`No address for ${hostname}.`), []);
      }
      if (opts.all) return callback(null, usable);
      const one = usable[0] as LookupAddress;
      callback(null, one.address, one.family);
    });
  }

  const agent = new Agent({ connect: { lookup: safeLookup as never } });

  const http = async (req: HttpRequest): Promise<HttpResponse> => {
    const url = new URL(req.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BlockedAddressError(`Only http and https addresses can be called, not ${url.protocol}`);
    const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
    // Sockets skip the lookup for IP literals, so those are checked here.
    if (isIP(host) && !allowed.has(host)) {
      const range = blockedRange(host);
      if (range) throw refusal(host, host, range);
    }
    const timeoutMs = req.timeoutMs ?? defaultTimeout;
    const timeout = AbortSignal.timeout(timeoutMs);
    // The caller's signal (a test run's request closing) closes the connection too.
    const signal = req.signal ? AbortSignal.any([timeout, req.signal]) : timeout;
    try {
      const res = await request(url, { method: req.method as 'GET', headers: req.headers, body: req.body, dispatcher: agent, signal });
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
      const cause = (err as { cause?: unknown }).cause;
      if (cause instanceof BlockedAddressError) throw cause;
      throw err;
    }
  };
  return Object.assign(http, { close: () => agent.close() });
}
