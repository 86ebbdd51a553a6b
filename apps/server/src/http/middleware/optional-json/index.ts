import type { MiddlewareHandler } from 'hono';

/**
 * Lets an optional JSON body be empty. Many clients (curl with a default header, generic HTTP
 * libraries, our own scripts) send `Content-Type: application/json` on every POST, body or not;
 * for an action whose body only carries options (publish), no body means "no options", not
 * malformed JSON. Hono's JSON validator parses the request's cached text, so an empty body is
 * cached as `{}` and the route's schema still checks anything that was sent.
 */
export function optionalJsonBody(): MiddlewareHandler {
  return async (c, next) => {
    if ((await c.req.text()).trim() === '') {
      // defineProperty: the JSON guard may have cached the text behind a getter.
      Object.defineProperty(c.req.bodyCache, 'text', {
        value: Promise.resolve('{}'),
        enumerable: true,
        configurable: true,
        writable: true,
      });
    }
    await next();
  };
}
