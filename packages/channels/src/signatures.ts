import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Constant-time string comparison. `timingSafeEqual` throws on unequal lengths, so a length
 * mismatch compares the input with itself (same work) and fails; only the length leaks, and every
 * value compared here (digests, configured secrets) has a public length anyway.
 */
export function safeEqual(actual: string | Buffer, expected: string | Buffer): boolean {
  const a = typeof actual === 'string' ? Buffer.from(actual, 'utf8') : actual;
  const b = typeof expected === 'string' ? Buffer.from(expected, 'utf8') : expected;
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

export function hmac(algorithm: 'sha1' | 'sha256', key: string, data: string | Buffer, encoding: 'hex' | 'base64'): string {
  return createHmac(algorithm, key).update(data).digest(encoding);
}

/** `sha256=<hex HMAC-SHA256(secret, raw body)>`, the header format of Meta and of our API channel. */
export function sha256Header(secret: string, rawBody: Buffer | string): string {
  return `sha256=${hmac('sha256', secret, rawBody, 'hex')}`;
}

export type VerifyResult = { ok: true } | { ok: false; status: 401 | 403; reason: string };

export const verified: VerifyResult = { ok: true };

/** 401 when the credential is absent (the caller did not authenticate), 403 when it is wrong. */
export function missing(reason: string): VerifyResult {
  return { ok: false, status: 401, reason };
}

export function refused(reason: string): VerifyResult {
  return { ok: false, status: 403, reason };
}

/** Checks a `sha256=<hex>` header against the HMAC of the raw bytes (never re-serialised JSON). */
export function verifySha256Header(header: string | undefined, secret: string, rawBody: Buffer, name: string): VerifyResult {
  if (!header) return missing(`missing ${name} header`);
  return safeEqual(header.trim().toLowerCase(), sha256Header(secret, rawBody))
    ? verified
    : refused(`${name} does not match the request body`);
}
