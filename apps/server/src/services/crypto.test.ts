import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seal, sealJson, unseal, unsealJson } from './crypto';

describe('secrets at rest', () => {
  const key = randomBytes(32);

  it('round-trips and never contains the plaintext', () => {
    const sealed = seal(key, 'twilio-auth-token');
    expect(sealed).not.toContain('twilio');
    expect(unseal(key, sealed)).toBe('twilio-auth-token');
    expect(unsealJson(key, sealJson(key, { a: 1 }))).toEqual({ a: 1 });
  });

  it('refuses a tampered value or another key', () => {
    const sealed = seal(key, 'secret');
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => unseal(key, parts.join('.'))).toThrow();
    expect(() => unseal(randomBytes(32), sealed)).toThrow();
  });
});
