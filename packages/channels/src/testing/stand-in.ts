import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandInRequest {
  method: string;
  /** Path and query, as received. */
  url: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
  json<T = any>(): T;
  form(): URLSearchParams;
}

export interface StandInReply {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  body?: string | Buffer;
  /** Hold the answer this long (timeouts). */
  delayMs?: number;
}

export type StandInHandler = (req: StandInRequest) => StandInReply | Promise<StandInReply>;

export interface StandIn {
  baseUrl: string;
  requests: StandInRequest[];
  /** Answer the next request with this instead of the provider emulation. */
  failNext(reply: StandInReply): void;
  reset(): void;
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1 that plays a provider: the handler checks the request the way
 * the provider does (path, auth, body shape) and answers in the provider's words.
 */
export async function startStandIn(handler: StandInHandler): Promise<StandIn> {
  const requests: StandInRequest[] = [];
  const overrides: StandInReply[] = [];
  const server = createServer((incoming, res) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = incoming.url ?? '/';
      const parsed = new URL(url, 'http://stand-in');
      const request: StandInRequest = {
        method: incoming.method ?? 'GET',
        url,
        path: parsed.pathname,
        query: parsed.searchParams,
        headers: incoming.headers,
        body,
        text: body.toString('utf8'),
        json: () => JSON.parse(body.toString('utf8')),
        form: () => new URLSearchParams(body.toString('utf8')),
      };
      requests.push(request);
      const override = overrides.shift();
      Promise.resolve(override ?? handler(request))
        .catch((err: unknown): StandInReply => ({ status: 500, body: `stand-in handler failed: ${String(err)}` }))
        .then(async (reply: StandInReply) => {
          if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
          if (res.destroyed) return;
          const headers = { ...reply.headers };
          let payload: string | Buffer = reply.body ?? '';
          if (reply.json !== undefined) {
            payload = JSON.stringify(reply.json);
            headers['content-type'] ??= 'application/json';
          }
          res.writeHead(reply.status ?? 200, headers).end(payload);
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    failNext: (reply) => overrides.push(reply),
    reset: () => {
      requests.length = 0;
      overrides.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
