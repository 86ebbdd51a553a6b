/**
 * The harness ceiling's server (see ceiling.ts): the webhook leg and the reply leg of the real
 * server with nothing between them. It takes an `api` channel webhook the way the server does
 * (the adapter verifies the signature and parses the body), answers 200, and sends the reply with
 * the adapter's own send (undici, keep-alive): no database, no flow, no queue.
 *
 * Run as a child process (argv: callback URL, secret); it sends its port once listening.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { adapters } from '@switchboard/channels';
import { createEgressGuard } from '@switchboard/egress';

const [callbackUrl = '', secret = ''] = process.argv.slice(2);
const apiAdapter = adapters.api;
const config = apiAdapter.configSchema.parse({ callbackUrl, secret });
const noNonces = { now: () => new Date(), seenNonce: () => false };
// The receiver is the benchmark's stand-in on loopback, opened as the server's EGRESS_ALLOW opens it.
const sendOptions = { egress: createEgressGuard({ allow: ['127.0.0.1', 'localhost'] }) };
let sequence = 0;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const inbound = {
      method: req.method ?? 'POST',
      url: req.url ?? '/',
      headers: req.headers as Record<string, string>,
      rawBody: Buffer.concat(chunks),
      query: {},
    };
    const verdict = apiAdapter.verify(inbound, config, noNonces);
    if (!verdict.ok) {
      res.writeHead(401).end();
      return;
    }
    const [event] = apiAdapter.parseInbound(inbound, config);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    if (event?.kind !== 'message') return;
    // The stand-in matches a reply to its message by the `#ref` the text carries.
    const reply = { id: `echo-${sequence++}`, to: event.externalId, text: `Our prices: ${event.text}`, windowOpen: true };
    apiAdapter.send(reply, config, sendOptions).catch((err: unknown) => console.error(`echo reply not sent: ${(err as Error).message}`));
  });
});
server.keepAliveTimeout = 5_000;
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
