import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';

// Plenty of keep-alive sockets: an open-loop sender must never wait for a free connection. Idle
// ones close after 4 s, before the server's 5 s keep-alive timeout could close one under a request.
const agent = new Agent({ keepAlive: true, maxSockets: 1024, keepAliveMsecs: 10_000, timeout: 4_000 });

export interface Target {
  host: string;
  port: number;
}

/**
 * One POST over the shared keep-alive agent; resolves with the status (0 on a network error). A
 * reused socket the server had just closed is retried once on a fresh one, as a provider would.
 */
export async function post(target: Target, path: string, body: string, headers: Record<string, string> = {}): Promise<number> {
  const status = await postOnce(target, path, body, headers);
  return status === 0 ? postOnce(target, path, body, headers) : status;
}

function postOnce(target: Target, path: string, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      {
        agent,
        host: target.host,
        port: target.port,
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

/** The api channel's inbound message, signed the way its docs say. */
export function signedInbound(secret: string, message: { id: string; from: string; text: string; name?: string }) {
  const body = JSON.stringify(message);
  const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  return { body, headers: { 'x-switchboard-signature': signature } };
}

/** A small JSON API client with the session cookie from signup. */
export class ApiClient {
  private cookie = '';
  constructor(readonly baseUrl: string) {}

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      // Origin as a browser on this server would send it: signed-in writes need it (CSRF check).
      headers: { 'content-type': 'application/json', ...(this.cookie && { cookie: this.cookie, origin: new URL(this.baseUrl).origin }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const setCookie = res.headers.getSetCookie();
    if (setCookie.length) this.cookie = setCookie.map((c) => c.split(';')[0]).join('; ');
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  }
}
