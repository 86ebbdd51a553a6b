import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EgressRefusedError, findRefusal } from './errors';
import { createEgressGuard } from './guard';
import type { Resolver } from './lookup';

/** A real server that counts TCP connections: "refused" must mean no connection was opened. */
interface Target {
  server: Server;
  port: number;
  connections: number;
}

async function listen(host: string, handler: Parameters<typeof createServer>[1]): Promise<Target> {
  const server = createServer(handler);
  const target: Target = { server, port: 0, connections: 0 };
  server.on('connection', (socket: Socket) => {
    target.connections++;
    socket.unref();
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  target.port = (server.address() as AddressInfo).port;
  return target;
}

let local: Target;
let second: Target;

beforeAll(async () => {
  second = await listen('127.0.0.2', (_req, res) => res.end('internal secret'));
  local = await listen('127.0.0.1', (req, res) => {
    if (req.url === '/redirect') {
      res.writeHead(302, { location: `http://127.0.0.2:${second.port}/` });
      return void res.end();
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('hello');
  });
});
afterAll(async () => {
  for (const t of [local, second]) await new Promise<void>((resolve) => t.server.close(() => resolve()));
});
beforeEach(() => {
  local.connections = 0;
  second.connections = 0;
});

async function refusalOf(promise: Promise<unknown>): Promise<EgressRefusedError | null> {
  return promise.then(
    () => null,
    (err: unknown) => findRefusal(err),
  );
}

describe('the guarded dispatcher', () => {
  const strict = createEgressGuard();
  afterAll(() => strict.close());

  it.each(['127.0.0.1', '2130706433', '0x7f000001', '0177.0.0.1', '127.1', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]', 'localhost'])(
    'refuses http://%s:port without opening a connection',
    async (host) => {
      const refusal = await refusalOf(request(`http://${host}:${local.port}/`, { dispatcher: strict.dispatcher }));
      expect(refusal).toBeInstanceOf(EgressRefusedError);
      expect(refusal?.message).toMatch(/^Refused: .* is a private address$/);
      expect(local.connections).toBe(0);
    },
  );

  it('refuses through fetch too, and over https', async () => {
    expect(await refusalOf(strict.fetch(`http://127.0.0.1:${local.port}/`))).toBeInstanceOf(EgressRefusedError);
    expect(await refusalOf(strict.fetch(`https://localhost:${local.port}/`))).toBeInstanceOf(EgressRefusedError);
    expect(local.connections).toBe(0);
  });

  it('reaches a stand-in the operator opened, keeping the connection alive', async () => {
    const open = createEgressGuard({ allow: ['127.0.0.1'] });
    for (let i = 0; i < 5; i++) {
      const res = await request(`http://127.0.0.1:${local.port}/`, { dispatcher: open.dispatcher });
      expect(await res.body.text()).toBe('hello');
    }
    expect(local.connections).toBeLessThan(5);
    // localhost may resolve to ::1 first; with only 127.0.0.1 open the IPv4 answer is the one used.
    const byName = await request(`http://localhost:${local.port}/`, { dispatcher: open.dispatcher });
    expect(await byName.body.text()).toBe('hello');
    await open.close();
  });

  it('never follows a redirect from an allowed host to a refused one', async () => {
    const open = createEgressGuard({ allow: ['127.0.0.1'] });
    const res = await open.fetch(`http://127.0.0.1:${local.port}/redirect`);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toContain('127.0.0.2');
    // A caller that follows it asks again, and is refused.
    expect(await refusalOf(open.fetch(res.headers.get('location')!))).toBeInstanceOf(EgressRefusedError);
    expect(second.connections).toBe(0);
    await open.close();
  });
});

describe('names are judged on the address DNS gives the socket', () => {
  // A resolver under the test's control: public for the first question, loopback afterwards.
  function rebinding(): Resolver {
    let asked = 0;
    return (_host, _opts, cb) => cb(null, [asked++ === 0 ? { address: '93.184.216.34', family: 4 } : { address: '127.0.0.1', family: 4 }]);
  }
  const toLoopback: Resolver = (_host, _opts, cb) => cb(null, [{ address: '127.0.0.1', family: 4 }]);

  it('refuses a public-looking name that resolves to 127.0.0.1', async () => {
    const guard = createEgressGuard({ resolve: toLoopback });
    const refusal = await refusalOf(request(`http://innocent.example:${local.port}/`, { dispatcher: guard.dispatcher }));
    expect(refusal?.message).toBe('Refused: innocent.example is a private address');
    expect(local.connections).toBe(0);
    await guard.close();
  });

  it('refuses a rebinding name at connect time, whatever an earlier check saw', async () => {
    const guard = createEgressGuard({ resolve: rebinding() });
    guard.assertUrl(`http://rebind.example:${local.port}/`); // judged without DNS: passes
    const lookupOnce = await new Promise((resolve) => guard.lookup('rebind.example', {}, (err, address) => resolve(err ?? address)));
    expect(lookupOnce).toBe('93.184.216.34');
    expect(await refusalOf(request(`http://rebind.example:${local.port}/`, { dispatcher: guard.dispatcher }))).toBeInstanceOf(
      EgressRefusedError,
    );
    expect(local.connections).toBe(0);
    await guard.close();
  });

  it('connects through the checked resolver when the operator opened the address', async () => {
    const guard = createEgressGuard({ allow: ['127.0.0.1'], resolve: toLoopback });
    const res = await request(`http://shop.example:${local.port}/`, { dispatcher: guard.dispatcher });
    expect(await res.body.text()).toBe('hello');
    await guard.close();
  });
});

describe('raw sockets (SMTP)', () => {
  it('refuses loopback and metadata hosts before connecting, and opens allowed ones', async () => {
    const strict = createEgressGuard();
    for (const host of ['127.0.0.1', '2130706433', 'localhost', '[::1]', 'metadata.google.internal', '169.254.169.254']) {
      expect(await refusalOf(strict.connect(host, local.port, 2000))).toBeInstanceOf(EgressRefusedError);
    }
    expect(local.connections).toBe(0);
    const open = createEgressGuard({ allow: ['127.0.0.1'] });
    const socket = await open.connect('127.0.0.1', local.port, 2000);
    expect(socket.remoteAddress).toBe('127.0.0.1');
    socket.destroy();
  });

  it('assertUrl refuses other protocols and literals up front', () => {
    const strict = createEgressGuard();
    expect(() => strict.assertUrl('file:///etc/passwd')).toThrow(/only http and https/);
    expect(() => strict.assertUrl('http://[::]/')).toThrow(EgressRefusedError);
    expect(() => strict.assertUrl('https://api.openai.com/v1')).not.toThrow();
  });
});
