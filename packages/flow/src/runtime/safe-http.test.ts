import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEgressGuard } from '@switchboard/egress';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlockedAddressError, HttpTimeoutError, ResponseTooLargeError, createSafeHttp } from './safe-http';

let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2000);
    if (req.url === '/big') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      return void res.end('x'.repeat(200_000));
    }
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      res.writeHead(201, { 'content-type': 'application/json', 'x-seen': String(req.headers['x-token']) });
      res.end(JSON.stringify({ method: req.method, body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const strictGuard = createEgressGuard();
const localGuard = createEgressGuard({ allow: ['127.0.0.1', 'localhost'] });
afterAll(async () => {
  await strictGuard.close();
  await localGuard.close();
});

describe('createSafeHttp', () => {
  const http = createSafeHttp({ egress: strictGuard, timeoutMs: 2000 });

  it.each([
    'http://127.0.0.1/',
    'http://10.1.2.3/',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::1]/',
    'http://0.0.0.0/',
    'http://192.168.1.1/',
    'http://[fd00::1]/',
    'http://[::ffff:127.0.0.1]/',
  ])('refuses %s', async (url) => {
    await expect(http({ method: 'GET', url })).rejects.toThrow(BlockedAddressError);
  });

  it('refuses a host name that resolves to loopback, checking the resolved address', async () => {
    const err = await http({ method: 'GET', url: `http://localhost:${port}/` }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BlockedAddressError);
    expect((err as Error).message).toBe('Refused: localhost is a private address');
  });

  it('refuses other protocols', async () => {
    await expect(http({ method: 'GET', url: 'file:///etc/passwd' })).rejects.toThrow(/only http and https/);
  });

  it('reaches a host the operator opened and returns status, headers and body', async () => {
    const allowed = createSafeHttp({ egress: localGuard });
    const res = await allowed({ method: 'POST', url: `http://127.0.0.1:${port}/hook`, headers: { 'x-token': 'abc' }, body: 'hello' });
    expect(res.status).toBe(201);
    expect(res.headers['x-seen']).toBe('abc');
    expect(JSON.parse(res.body)).toEqual({ method: 'POST', body: 'hello' });
    const byName = await allowed({ method: 'GET', url: `http://localhost:${port}/` });
    expect(byName.status).toBe(201);
  });

  it('lets a workspace list narrow what the operator allows, never widen it', async () => {
    const narrowed = createSafeHttp({ egress: localGuard, onlyHosts: ['localhost'] });
    expect((await narrowed({ method: 'GET', url: `http://localhost:${port}/` })).status).toBe(201);
    await expect(narrowed({ method: 'GET', url: `http://127.0.0.1:${port}/` })).rejects.toThrow(
      "Refused: 127.0.0.1 is not in this workspace's allowed hosts",
    );
    const widening = createSafeHttp({ egress: strictGuard, onlyHosts: ['127.0.0.1'] });
    await expect(widening({ method: 'GET', url: `http://127.0.0.1:${port}/` })).rejects.toThrow('Refused: 127.0.0.1 is a private address');
  });

  it('enforces the timeout and the size cap', async () => {
    const capped = createSafeHttp({ egress: localGuard, timeoutMs: 300, maxResponseBytes: 100_000 });
    await expect(capped({ method: 'GET', url: `http://127.0.0.1:${port}/slow` })).rejects.toThrow(HttpTimeoutError);
    await expect(capped({ method: 'GET', url: `http://127.0.0.1:${port}/big` })).rejects.toThrow(ResponseTooLargeError);
    const roomy = createSafeHttp({ egress: localGuard, maxResponseBytes: 300_000 });
    expect((await roomy({ method: 'GET', url: `http://127.0.0.1:${port}/big` })).body.length).toBe(200_000);
  });
});
