import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from '../../errors';
import { headerOf } from '../../node-request';

export interface CsrfOptions {
  /** The server's own origins (PUBLIC_URL), e.g. `https://inbox.example.com`. */
  origins: string[];
  /** The session cookie's name: requests without it and without Origin are not a browser's. */
  cookieName: string;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses cross-site requests that would ride on the session cookie. Hono's `csrf` middleware
 * only looks at form content types; a JSON or bodiless POST/PUT/PATCH/DELETE from another site
 * (or another port of the same host, which SameSite=Lax treats as the same site) is just as
 * dangerous, so every unsafe method is checked, whatever its body.
 *
 * Browsers send Origin on every non-GET request, so a request passes when its Origin (or, when
 * there is none, its Referer) is one of `origins` or has the request's own Host (same-origin
 * behind a proxy or in development). Requests with a Bearer Authorization header are exempt: a
 * page on another site cannot add one without a CORS preflight, which this server never grants
 * (a browser does add Basic credentials by itself, so those are not exempt).
 * A request with neither Origin nor Referer passes only when it carries no session cookie
 * (a script logging in) or the browser says it is same-origin (Sec-Fetch-Site).
 */
export function csrfProtection(options: CsrfOptions): MiddlewareHandler {
  const allowed = new Set(options.origins.map(originOf).filter((o): o is string => o !== null));
  const sameOrigin = (c: Context, origin: string | null) => {
    if (!origin) return false;
    if (allowed.has(origin)) return true;
    const host = headerOf(c, 'host') ?? new URL(c.req.url).host;
    return new URL(origin).host === host.toLowerCase();
  };
  return async (c, next) => {
    if (SAFE.has(c.req.method) || /^Bearer\s/i.test(headerOf(c, 'authorization') ?? '')) return next();
    const origin = headerOf(c, 'origin');
    if (origin !== undefined) {
      // `Origin: null` comes from sandboxed frames, data: URLs and privacy redirects: never ours.
      if (!sameOrigin(c, originOf(origin)))
        throw refused('origin', `Cross-site request refused: ${origin.slice(0, 100)} is not this server's origin`);
      return next();
    }
    const referer = headerOf(c, 'referer');
    if (referer !== undefined) {
      if (!sameOrigin(c, originOf(referer)))
        throw refused('referer', 'Cross-site request refused: the Referer is not a page of this server');
      return next();
    }
    if (headerOf(c, 'sec-fetch-site') === 'same-origin' || !hasCookie(headerOf(c, 'cookie'), options.cookieName)) return next();
    throw refused('origin', 'A signed-in request that changes something must carry an Origin header (browsers send it)');
  };
}

function refused(field: string, message: string) {
  return new ApiError(403, 'forbidden', message, [{ field, message }]);
}

/** `scheme://host[:port]` of a URL, lower-cased; null for `null` or anything unparsable. */
function originOf(value: string): string | null {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin.toLowerCase() : null;
  } catch {
    return null;
  }
}

function hasCookie(header: string | undefined, name: string): boolean {
  if (!header) return false;
  return header.split(';').some((part) => part.trimStart().startsWith(`${name}=`));
}
