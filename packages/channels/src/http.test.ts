import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from './errors';
import { callProvider } from './http';
import { parseRetryAfter } from './retry-after';
import { startStandIn, type StandIn } from './testing/stand-in';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-10T09:00:00Z');
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 1.5 ', now)).toBe(1500);
    expect(parseRetryAfter('Sat, 10 Jan 2026 09:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sat, 10 Jan 2026 08:00:00 GMT', now)).toBe(0);
  });
  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('')).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter('-5')).toBeUndefined();
  });
});

describe('callProvider', () => {
  let slow: StandIn;
  beforeAll(async () => {
    slow = await startStandIn(() => ({ delayMs: 500, json: { ok: true } }));
  });
  afterAll(() => slow.close());

  it('turns a timeout into a retryable error', async () => {
    const error = await callProvider({ provider: 'Slow', url: slow.baseUrl, timeoutMs: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ retryable: true, providerCode: 'timeout', message: 'Slow did not answer within 50 ms' });
  });

  it('turns a refused connection into a retryable error', async () => {
    const closed = await startStandIn(() => ({}));
    const url = closed.baseUrl;
    await closed.close();
    await expect(callProvider({ provider: 'Gone', url })).rejects.toMatchObject({ retryable: true, providerCode: 'network' });
  });

  it('treats 408 as retryable and other 4xx as final, falling back to the body text', async () => {
    const server = await startStandIn((req) => (req.path === '/408' ? { status: 408 } : { status: 404, body: 'no such thing' }));
    await expect(callProvider({ provider: 'P', url: `${server.baseUrl}/408` })).rejects.toMatchObject({ retryable: true, status: 408 });
    await expect(callProvider({ provider: 'P', url: `${server.baseUrl}/x` })).rejects.toMatchObject({ retryable: false, status: 404, message: 'P answered 404: no such thing' });
    await server.close();
  });

  it('sends a form body with the form content type and reads answer headers in any case', async () => {
    const server = await startStandIn((req) =>
      req.headers['content-type']?.startsWith('application/x-www-form-urlencoded') && req.form().get('Body') === 'hi'
        ? { status: 429, headers: { 'Retry-After': '7' }, body: '' }
        : { status: 400, body: `unexpected ${req.headers['content-type']}` },
    );
    const error = await callProvider({ provider: 'P', url: server.baseUrl, body: new URLSearchParams({ Body: 'hi' }) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ retryable: true, status: 429, retryAfterMs: 7000, message: 'P answered 429: Too Many Requests' });
    await server.close();
  });

  it('keeps the caller\'s content type and answers JSON bodies parsed', async () => {
    const server = await startStandIn((req) => ({ headers: { 'X-Echo': String(req.headers['content-type']) }, json: { got: req.json() } }));
    const response = await callProvider({ provider: 'P', url: server.baseUrl, headers: { 'Content-Type': 'application/json' }, body: '{"a":1}' });
    expect(response).toMatchObject({ status: 200, body: { got: { a: 1 } } });
    expect(response.headers.get('x-echo')).toBe('application/json');
    expect(response.headers.get('X-Missing')).toBeNull();
    await server.close();
  });
});
