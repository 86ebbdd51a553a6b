import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/** Every reply names the message it answers as `#<ref>` in its text (the flows echo it). */
const REF = /#(\w+(?:[.-]\w+)*)/;

export interface Reply {
  at: number;
  to: string;
  text: string;
}

/**
 * The `api` channel's customer endpoint: verifies our signature on the raw body, answers at once
 * over keep-alive, and records when each reply arrived, keyed by the ref in its text.
 */
export class StandIn {
  readonly arrivals = new Map<string, Reply[]>();
  badSignatures = 0;
  unmatched = 0;
  total = 0;
  secret = '';
  /** Called for every reply (the ask-question shape answers the question from here). */
  onReply: ((ref: string, reply: Reply) => void) | undefined;
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const at = performance.now();
        const raw = Buffer.concat(chunks);
        if (!this.verify(String(req.headers['x-switchboard-signature'] ?? ''), raw)) {
          this.badSignatures += 1;
          res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"bad signature"}');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
        this.record(at, raw);
      });
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/outbound`;
  }

  private verify(header: string, raw: Buffer): boolean {
    if (!this.secret || !header.startsWith('sha256=')) return false;
    const expected = createHmac('sha256', this.secret).update(raw).digest();
    const given = Buffer.from(header.slice('sha256='.length), 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private record(at: number, raw: Buffer) {
    this.total += 1;
    let body: { to?: unknown; text?: unknown };
    try {
      body = JSON.parse(raw.toString('utf8')) as typeof body;
    } catch {
      this.unmatched += 1;
      return;
    }
    const text = String(body.text ?? '');
    const ref = REF.exec(text)?.[1];
    if (!ref) {
      this.unmatched += 1;
      return;
    }
    const reply = { at, to: String(body.to ?? ''), text };
    const list = this.arrivals.get(ref);
    if (list) list.push(reply);
    else this.arrivals.set(ref, [reply]);
    this.onReply?.(ref, reply);
  }

  async close() {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
