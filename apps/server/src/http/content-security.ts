import { secureHeaders } from 'hono/secure-headers';

type Policy = NonNullable<NonNullable<Parameters<typeof secureHeaders>[0]>['contentSecurityPolicy']>;

/**
 * Every page and response: scripts and connections only to this server. Styles may be inline
 * (React and the flow editor set them); images from here or data: URLs. Pages that need more
 * (the API reference, the widget preview) add to this policy, never restate it.
 */
export const APP_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  frameAncestors: ["'self'"],
  formAction: ["'self'"],
} satisfies Policy;

/** Security headers with the app's policy, plus a page's own additions. */
export function securityHeaders(additions: Policy = {}) {
  return secureHeaders({
    crossOriginResourcePolicy: false,
    crossOriginOpenerPolicy: false,
    contentSecurityPolicy: { ...APP_POLICY, ...additions },
  });
}
