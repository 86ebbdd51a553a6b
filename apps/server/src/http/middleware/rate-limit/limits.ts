import type { Context, MiddlewareHandler } from 'hono';
import { sha256 } from '../../../services/crypto';
import { clientIp, rateLimit } from './index';

/**
 * The limits the app mounts, as `[path, middleware]` pairs. Per process (see rateLimit):
 * numbers are per api process.
 *
 * - login: 10 failed attempts per IP and 5 per email, then one more every 6 s / 12 s;
 *   successful sign-ins never count.
 * - signup: 20 per IP, then one every 30 s.
 * - widget: 30 new sessions per IP then one per 2 s; 60 messages per visitor then one per second.
 * - webhooks: refused deliveries (bad signature, unknown channel, malformed) count, 60 per IP then
 *   one per second; verified traffic is never slowed (a provider sends from few addresses, fast).
 * - API: 600 requests per API key or session, then 50 per second.
 */
export function rateLimits(options: { trustProxy: boolean }): [string, MiddlewareHandler][] {
  const ip = (c: Context) => clientIp(c, options.trustProxy);
  const failed = (status: number) => status >= 400 && status < 500 && status !== 429;
  const post = (key: (c: Context) => string | null | Promise<string | null>) => (c: Context) => (c.req.method === 'POST' ? key(c) : null);

  const loginEmail = async (c: Context) => {
    try {
      const body = (await c.req.json()) as { email?: unknown };
      return typeof body.email === 'string' ? body.email.trim().toLowerCase() : null;
    } catch {
      return null; // not JSON: the route answers 400, the IP bucket counts it
    }
  };
  const visitorToken = (c: Context) => {
    const token = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    return token ? sha256(token) : ip(c);
  };
  const apiCaller = (c: Context) => {
    const bearer = c.req.header('authorization');
    if (bearer) return `key:${sha256(bearer)}`;
    const session = /(?:^|;\s*)sb_session=([^;]+)/.exec(c.req.header('cookie') ?? '')?.[1];
    return session ? `session:${sha256(session)}` : null;
  };

  return [
    ['/api/auth/login', rateLimit({ name: 'login', burst: 10, perSecond: 1 / 6, key: post(ip), countWhen: failed })],
    ['/api/auth/login', rateLimit({ name: 'login-email', burst: 5, perSecond: 1 / 12, key: post(loginEmail), countWhen: failed })],
    ['/api/auth/signup', rateLimit({ name: 'signup', burst: 20, perSecond: 1 / 30, key: post(ip) })],
    ['/widget/:channelId/sessions', rateLimit({ name: 'widget-session', burst: 30, perSecond: 0.5, key: post(ip) })],
    ['/widget/:channelId/messages', rateLimit({ name: 'widget-message', burst: 60, perSecond: 1, key: post(visitorToken) })],
    ['/webhooks/*', rateLimit({ name: 'webhook', burst: 60, perSecond: 1, key: ip, countWhen: failed })],
    ['/api/*', rateLimit({ name: 'api', burst: 600, perSecond: 50, key: apiCaller })],
  ];
}
