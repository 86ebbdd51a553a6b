import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type pg from 'pg';
import { sha256 } from '../../../services/crypto';
import { bearerToken, SESSION_COOKIE } from '../auth/index';
import { inFlightCap } from './in-flight';
import { clientIp, rateLimit } from './index';
import { sharedLimit } from './shared';

const MINUTE = 60;
const HOUR = 3_600;

/**
 * The limits the app mounts, as `[path, middleware]` pairs, in order.
 *
 * Shared through Postgres (one limit however many api processes), taken before the handler:
 * - password hashes: at most 2 running at once per IP (in process: it guards this process's CPU),
 *   on login, sign-up, password reset and invitation accept.
 * - login: 10 failed attempts per IP and 5 per (email, IP) per 10 minutes; a successful sign-in
 *   gives its point back. Never keyed by email alone, so nobody can lock an owner out by
 *   guessing their password from elsewhere.
 * - signup: 20 per IP per 10 minutes, and 5 answers of "this email has an account" per IP per hour.
 * - password reset: 10 failed per IP per 10 minutes; invitation links: 20 failed per IP per 10 minutes.
 * - API-key creation: 20 per caller per hour; invitation and reset links made by admins: 60 per caller per hour.
 *
 * Per process (see rateLimit), with no database round trip on the hot path:
 * - widget: 30 new sessions per IP then one per 2 s; 60 messages per visitor then one per second.
 * - webhooks: refused deliveries (bad signature, unknown channel, malformed) count, 60 per IP then
 *   one per second; verified traffic is never slowed (a provider sends from few addresses, fast).
 * - API: 600 requests per API key or session, then 50 per second.
 */
export function rateLimits(options: { trustProxy: boolean; pool: pg.Pool }): [string, MiddlewareHandler][] {
  const { pool } = options;
  const ip = (c: Context) => clientIp(c, options.trustProxy);
  const failed = (status: number) => status >= 400 && status < 500 && status !== 429;
  const post = (key: (c: Context) => string | null | Promise<string | null>) => (c: Context) => (c.req.method === 'POST' ? key(c) : null);

  const emailAndIp = async (c: Context) => {
    try {
      const body = (await c.req.json()) as { email?: unknown };
      return typeof body.email === 'string' && body.email.length <= 320 ? `${body.email.trim().toLowerCase()}|${ip(c)}` : null;
    } catch {
      return null; // not JSON: the route answers 400, the IP bucket counts it
    }
  };
  const visitorToken = (c: Context) => {
    const token = bearerToken(c.req.header('authorization'));
    return token ? sha256(token) : ip(c);
  };
  // Keyed on the credential as the auth middleware reads it (the parsed token, the decoded
  // cookie), so `bearer`, extra spaces or a re-encoded cookie do not open a fresh bucket. A
  // header that is no credential at all draws from its address's bucket.
  const apiCaller = (c: Context) => {
    const header = c.req.header('authorization');
    if (header) {
      const token = bearerToken(header);
      return token ? `key:${sha256(token)}` : `unparsed:${ip(c)}`;
    }
    const session = getCookie(c, SESSION_COOKIE);
    return session ? `session:${sha256(session)}` : null;
  };

  const hashes = inFlightCap({ name: 'password checks', max: 2, key: post(ip) });
  const memberLinks = sharedLimit({ name: 'member-links', points: 60, durationS: HOUR, pool, key: post(apiCaller) });

  return [
    ['/api/auth/login', hashes],
    ['/api/auth/login', sharedLimit({ name: 'login-ip', points: 10, durationS: 10 * MINUTE, pool, key: post(ip), countWhen: failed })],
    [
      '/api/auth/login',
      sharedLimit({ name: 'login-email-ip', points: 5, durationS: 10 * MINUTE, pool, key: post(emailAndIp), countWhen: failed }),
    ],
    ['/api/auth/signup', hashes],
    ['/api/auth/signup', sharedLimit({ name: 'signup', points: 20, durationS: 10 * MINUTE, pool, key: post(ip) })],
    [
      '/api/auth/signup',
      sharedLimit({ name: 'signup-known-email', points: 5, durationS: HOUR, pool, key: post(ip), countWhen: (s) => s === 409 }),
    ],
    ['/api/auth/reset', hashes],
    [
      '/api/auth/reset',
      sharedLimit({ name: 'password-reset', points: 10, durationS: 10 * MINUTE, pool, key: post(ip), countWhen: failed }),
    ],
    ['/api/invitations/*', hashes],
    ['/api/invitations/*', sharedLimit({ name: 'invitation', points: 20, durationS: 10 * MINUTE, pool, key: ip, countWhen: failed })],
    ['/api/api-keys', sharedLimit({ name: 'api-key-create', points: 20, durationS: HOUR, pool, key: post(apiCaller) })],
    ['/api/members/invitations', memberLinks],
    ['/api/members/:userId/reset-link', memberLinks],
    ['/widget/:channelId/sessions', rateLimit({ name: 'widget-session', burst: 30, perSecond: 0.5, key: post(ip) })],
    ['/widget/:channelId/messages', rateLimit({ name: 'widget-message', burst: 60, perSecond: 1, key: post(visitorToken) })],
    ['/webhooks/*', rateLimit({ name: 'webhook', burst: 60, perSecond: 1, key: ip, countWhen: failed })],
    ['/api/*', rateLimit({ name: 'api', burst: 600, perSecond: 50, key: apiCaller })],
  ];
}
