/**
 * A shop's order API on 127.0.0.1, as an AI agent's tools call it: `GET /orders/:id`,
 * `POST /returns` and `POST /shipments` (JSON), behind `Authorization: Bearer <token>`. Writes are
 * deduplicated on `Idempotency-Key` as Stripe-style APIs do: a request sent again with a key the
 * shop has seen gets the first answer and creates nothing. `holdNext` makes the next write be
 * stored and then left unanswered, as a shop that received a request whose caller died.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ShopRecord {
  kind: 'return' | 'shipment';
  id: string;
  orderId: string;
  body: Record<string, unknown>;
  idempotencyKey: string | undefined;
}

export interface ShopStandIn {
  baseUrl: string;
  host: string;
  records: ShopRecord[];
  requests: { method: string; path: string; headers: IncomingMessage['headers']; body: string }[];
  /** The next write of this kind is stored, then not answered (`reached` resolves when it arrives). */
  holdNext(kind: ShopRecord['kind']): { reached: Promise<void> };
  /** The next order lookup is answered only when `answer()` is called (a slow shop). */
  slowNextLookup(): { reached: Promise<void>; answer(): void };
  close(): Promise<void>;
}

export async function startShopStandIn(options: {
  token: string;
  orders: Record<string, { status: string; items: { sku: string; name: string }[] }>;
  prefix?: string;
}): Promise<ShopStandIn> {
  const records: ShopRecord[] = [];
  const requests: ShopStandIn['requests'] = [];
  const answers = new Map<string, { status: number; body: unknown }>();
  const held = new Map<string, () => void>();
  let slowLookup: ((answer: () => void) => void) | null = null;
  const hanging = new Set<ServerResponse>();
  const prefix = options.prefix ?? 'api';
  const send = (res: ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const path = req.url ?? '/';
      requests.push({ method: req.method ?? '', path, headers: req.headers, body: raw });
      if (req.headers.authorization !== `Bearer ${options.token}`) return send(res, 401, { error: 'unauthorized' });
      const order = new RegExp(`^/${prefix}/orders/([^/?]+)$`).exec(path);
      if (req.method === 'GET' && order) {
        const id = decodeURIComponent(order[1]!);
        const found = options.orders[id];
        const answer = () => (found ? send(res, 200, { id, ...found }) : send(res, 404, { error: `no order ${id}` }));
        if (!slowLookup) return answer();
        slowLookup(answer);
        slowLookup = null;
        return;
      }
      const kind = path === `/${prefix}/returns` ? 'return' : path === `/${prefix}/shipments` ? 'shipment' : null;
      if (req.method !== 'POST' || !kind) return send(res, 404, { error: 'not found' });
      const key = req.headers['idempotency-key'] as string | undefined;
      const seen = key ? answers.get(key) : undefined;
      if (seen) return send(res, seen.status, seen.body);
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return send(res, 400, { error: 'body must be JSON' });
      }
      const orderId = String(body.order_id ?? '');
      if (!options.orders[orderId]) return send(res, 404, { error: `no order ${orderId}` });
      const id = `${kind === 'return' ? 'R' : 'S'}-${records.length + 1}`;
      records.push({ kind, id, orderId, body, idempotencyKey: key });
      const answer =
        kind === 'return'
          ? { status: 201, body: { return_id: id, order_id: orderId } }
          : { status: 201, body: { shipment_id: id, tracking_number: `TRACK-${orderId}-${records.length}` } };
      if (key) answers.set(key, answer);
      const hold = held.get(kind);
      if (hold) {
        held.delete(kind);
        hanging.add(res);
        return hold();
      }
      send(res, answer.status, answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/${prefix}`,
    host: '127.0.0.1',
    records,
    requests,
    holdNext(kind) {
      return { reached: new Promise<void>((resolve) => held.set(kind, resolve)) };
    },
    slowNextLookup() {
      let release: (() => void) | null = null;
      let answered = false;
      const reached = new Promise<void>((resolve) => {
        slowLookup = (answer) => {
          release = answer;
          if (answered) answer();
          resolve();
        };
      });
      return { reached, answer: () => (release ? release() : (answered = true)) };
    },
    close: () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
