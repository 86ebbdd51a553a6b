import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createEgressGuard } from '@switchboard/egress';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from './errors';
import { callProvider } from './http';
import { parseRetryAfter } from './retry-after';
import { loopback } from './testing/egress';
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
    const error = await callProvider({ ...loopback, provider: 'Slow', url: slow.baseUrl, timeoutMs: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ retryable: true, providerCode: 'timeout', message: 'Slow did not answer within 50 ms' });
  });

  it('turns a refused connection into a retryable error', async () => {
    const closed = await startStandIn(() => ({}));
    const url = closed.baseUrl;
    await closed.close();
    await expect(callProvider({ ...loopback, provider: 'Gone', url })).rejects.toMatchObject({ retryable: true, providerCode: 'network' });
  });

  it('treats 408 as retryable and other 4xx as final, falling back to the status name', async () => {
    const server = await startStandIn((req) => (req.path === '/408' ? { status: 408 } : { status: 404, body: 'no such thing' }));
    await expect(callProvider({ ...loopback, provider: 'P', url: `${server.baseUrl}/408` })).rejects.toMatchObject({
      retryable: true,
      status: 408,
    });
    await expect(callProvider({ ...loopback, provider: 'P', url: `${server.baseUrl}/x` })).rejects.toMatchObject({
      retryable: false,
      status: 404,
      message: 'P answered 404: Not Found',
    });
    await server.close();
  });

  it('sends a form body with the form content type and reads answer headers in any case', async () => {
    const server = await startStandIn((req) =>
      req.headers['content-type']?.startsWith('application/x-www-form-urlencoded') && req.form().get('Body') === 'hi'
        ? { status: 429, headers: { 'Retry-After': '7' }, body: '' }
        : { status: 400, body: `unexpected ${req.headers['content-type']}` },
    );
    const error = await callProvider({ ...loopback, provider: 'P', url: server.baseUrl, body: new URLSearchParams({ Body: 'hi' }) }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ retryable: true, status: 429, retryAfterMs: 7000, message: 'P answered 429: Too Many Requests' });
    await server.close();
  });

  it("keeps the caller's content type and answers JSON bodies parsed", async () => {
    const server = await startStandIn((req) => ({ headers: { 'X-Echo': String(req.headers['content-type']) }, json: { got: req.json() } }));
    const response = await callProvider({
      ...loopback,
      provider: 'P',
      url: server.baseUrl,
      headers: { 'Content-Type': 'application/json' },
      body: '{"a":1}',
    });
    expect(response).toMatchObject({ status: 200, body: { got: { a: 1 } } });
    expect(response.headers.get('x-echo')).toBe('application/json');
    expect(response.headers.get('X-Missing')).toBeNull();
    await server.close();
  });

  it('shows a status and a short reason, never a raw body or a banner', async () => {
    const page = await startStandIn(() => ({ status: 500, body: '<html><title>Jenkins</title>internal token abc123</html>' }));
    const error = await callProvider({ ...loopback, provider: 'P', url: page.baseUrl }).catch((e: unknown) => e);
    expect(error).toMatchObject({ retryable: true, status: 500, message: 'P answered 500: Internal Server Error' });
    const wordy = await callProvider({
      ...loopback,
      provider: 'P',
      url: page.baseUrl,
      describeError: () => ({ message: `bad\r\nSSH-2.0-OpenSSH ${'x'.repeat(500)}` }),
    }).catch((e: Error) => e.message);
    expect(wordy).toMatch(/^P answered 500: bad SSH-2\.0-OpenSSH x+…$/);
    expect((wordy as string).length).toBeLessThan(260);
    await page.close();

    const banner = createServer((socket) => socket.end('SSH-2.0-OpenSSH_9.6 internal-host\r\n')).unref();
    await new Promise<void>((resolve) => banner.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(banner.address() as AddressInfo).port}/`;
    const notHttp = await callProvider({ ...loopback, provider: 'P', url }).catch((e: unknown) => e);
    expect(notHttp).toBeInstanceOf(ProviderError);
    expect((notHttp as Error).message).toMatch(/^P unreachable: (the answer was not HTTP|connection closed)$/);
    banner.close();
  });

  it('refuses a private address unless the guard it is given opens it, and follows no redirect', async () => {
    const target = await startStandIn(() => ({ json: { ok: true } }));
    const hop = await startStandIn(() => ({ status: 302, headers: { location: target.baseUrl } }));
    const refused = await callProvider({ provider: 'P', url: target.baseUrl }).catch((e: unknown) => e);
    expect(refused).toMatchObject({
      retryable: false,
      providerCode: 'egress_refused',
      message: 'P not called: Refused: 127.0.0.1 is a private address',
    });
    const strict = await callProvider({
      egress: createEgressGuard(),
      provider: 'P',
      url: target.baseUrl.replace('127.0.0.1', 'localhost'),
    }).catch((e: Error) => e.message);
    expect(strict).toBe('P not called: Refused: localhost is a private address');
    expect(target.requests).toHaveLength(0);
    await expect(callProvider({ ...loopback, provider: 'P', url: hop.baseUrl })).rejects.toMatchObject({ retryable: false, status: 302 });
    expect(target.requests).toHaveLength(0);
    await target.close();
    await hop.close();
  });
});
