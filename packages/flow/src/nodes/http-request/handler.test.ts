import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEgressGuard } from '@switchboard/egress';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSafeHttp } from '../../runtime/safe-http';
import { makeContext } from '../../testing/context';
import { httpRequest } from './handler';

let server: Server;
let base: string;
const seen: { method?: string; url?: string; auth?: string; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, body });
      if (req.url?.startsWith('/orders/A-1')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ id: 'A-1', status: 'baking' }));
      }
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('no such order');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const allowLocal = createSafeHttp({ egress: createEgressGuard({ allow: ['127.0.0.1'] }), timeoutMs: 2000 });
const strict = createSafeHttp({ egress: createEgressGuard(), timeoutMs: 2000 });

describe('action.http_request', () => {
  it('renders url, headers and body, and saves the parsed JSON answer', async () => {
    const ctx = makeContext({ vars: { order: 'A-1' }, contact: { email: 'a@b.co' }, services: { http: allowLocal } });
    const result = await httpRequest(
      {
        method: 'POST',
        url: `${base}/orders/{{ vars.order }}`,
        headers: { authorization: 'Bearer {{ workspace.id }}' },
        body: '{"email":"{{ contact.email }}"}',
        saveTo: 'order',
      },
      ctx,
    );
    expect(result.output).toBe('success');
    expect(result.vars?.order).toMatchObject({ ok: true, status: 200, body: { id: 'A-1', status: 'baking' } });
    expect(seen.at(-1)).toEqual({ method: 'POST', url: '/orders/A-1', auth: 'Bearer ws_1', body: '{"email":"a@b.co"}' });
  });

  it('goes down error on a 4xx answer, with the error in the variable', async () => {
    const result = await httpRequest(
      { method: 'GET', url: `${base}/orders/Z-9`, saveTo: 'vars.order' },
      makeContext({ services: { http: allowLocal } }),
    );
    expect(result.output).toBe('error');
    expect(result.vars?.order).toMatchObject({ ok: false, status: 404, body: 'no such order', error: 'The server answered 404.' });
  });

  it('goes down error when the address is refused', async () => {
    const result = await httpRequest(
      { method: 'GET', url: `${base}/orders/A-1`, saveTo: 'r' },
      makeContext({ services: { http: strict } }),
    );
    expect(result.output).toBe('error');
    expect((result.vars?.r as { error: string }).error).toMatch(/^Refused: 127\.0\.0\.1 is a private address$/);
  });

  it('reports a bad address as a configuration problem', async () => {
    const result = await httpRequest({ method: 'GET', url: '{{ vars.missing }}/x' }, makeContext({ services: { http: allowLocal } }));
    expect(result.error).toEqual({ field: 'url', message: 'The address must start with https:// or http://.' });
  });
});
