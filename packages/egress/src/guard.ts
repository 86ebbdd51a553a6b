/**
 * The one egress guard. Every outbound connection made for a tenant (flow HTTP and CRM steps,
 * AI, channel sends and callbacks, media downloads, SMTP) is opened through it:
 * - IP literals, numeric spellings and metadata names are judged before any connect;
 * - names are judged inside the socket's own DNS look-up (see lookup.ts), on each address;
 * - the connected socket's remote address is judged again before a byte is written;
 * - redirects are never followed here: the caller sees the 3xx and, if it follows it, asks again.
 * One undici Agent per guard keeps connections alive across calls: build the guard once.
 */
import net from 'node:net';
import type { TLSSocket } from 'node:tls';
import { Agent, buildConnector, fetch as undiciFetch, type Dispatcher } from 'undici';
import { EgressRefusedError } from './errors';
import { type CheckedLookup, type Resolver, createCheckedLookup } from './lookup';
import { type EgressPolicy, createPolicy } from './policy';

export interface EgressGuardOptions {
  /** The operator's `EGRESS_ALLOW` entries: host names, IP addresses, CIDR ranges. */
  allow?: readonly string[];
  /** Connect timeout for the pooled HTTP connections; default 10 s. */
  connectTimeoutMs?: number;
  /** The DNS resolver under the check; the system's (`dns.lookup`) by default. */
  resolve?: Resolver;
}

export interface EgressGuard {
  readonly policy: EgressPolicy;
  /** For undici's `request`/`fetch` (`{ dispatcher }`): connections opened only as the policy says. */
  readonly dispatcher: Dispatcher;
  /** A WHATWG fetch through the dispatcher that answers redirects as they are (`redirect: 'manual'`). */
  readonly fetch: typeof globalThis.fetch;
  /** A checked look-up for sockets a library opens itself. */
  readonly lookup: CheckedLookup;
  /** Opens a TCP connection (SMTP) through the policy; resolves once connected and judged. */
  connect(host: string, port: number, timeoutMs: number): Promise<net.Socket>;
  /** Throws EgressRefusedError for a URL that is refused before any look-up (protocol, literal, metadata name). */
  assertUrl(url: string | URL): void;
  close(): Promise<void>;
}

type Connected = net.Socket | TLSSocket;

export function createEgressGuard(options: EgressGuardOptions = {}): EgressGuard {
  const policy = createPolicy(options.allow ?? []);
  const lookup = createCheckedLookup(policy, options.resolve);
  const base = buildConnector({ lookup: lookup as never, timeout: options.connectTimeoutMs ?? 10_000 });

  const connector: buildConnector.connector = (opts, callback) => {
    const refusal = policy.checkHost(opts.hostname);
    if (refusal) return callback(refusal, null);
    base(opts, (err: Error | null, socket: Connected | null) => {
      if (err || !socket) return callback(err ?? new Error('connect failed'), null);
      const after = judgeSocket(policy, opts.hostname, socket);
      if (after) {
        socket.destroy();
        return callback(after, null);
      }
      callback(null, socket);
    });
  };
  const agent = new Agent({ connect: connector });

  const guardedFetch = ((input: Parameters<typeof undiciFetch>[0], init?: Parameters<typeof undiciFetch>[1]) =>
    undiciFetch(input, { ...init, dispatcher: agent, redirect: 'manual' })) as unknown as typeof globalThis.fetch;

  return {
    policy,
    dispatcher: agent,
    fetch: guardedFetch,
    lookup,
    connect: (host, port, timeoutMs) => connectSocket(policy, lookup, host, port, timeoutMs),
    assertUrl(url) {
      const parsed = typeof url === 'string' ? new URL(url) : url;
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new EgressRefusedError(parsed.hostname, 'protocol');
      const refusal = policy.checkHost(parsed.hostname);
      if (refusal) throw refusal;
    },
    close: () => agent.close(),
  };
}

function judgeSocket(policy: EgressPolicy, host: string, socket: Connected): EgressRefusedError | null {
  const remote = socket.remoteAddress;
  return remote ? policy.checkAddress(host, remote) : new EgressRefusedError(host, 'private');
}

function connectSocket(policy: EgressPolicy, lookup: CheckedLookup, host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  const refusal = policy.checkHost(host);
  if (refusal) return Promise.reject(refusal);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: host.replace(/^\[(.*)\]$/, '$1'), port, lookup: lookup as never });
    const timer = setTimeout(
      () => socket.destroy(Object.assign(new Error(`${host}:${port} did not answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })),
      timeoutMs,
    );
    // Stays attached: an error between this promise settling and the caller's own listener must not crash.
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      const after = judgeSocket(policy, host, socket);
      if (after) {
        socket.destroy();
        return reject(after);
      }
      resolve(socket);
    });
  });
}
