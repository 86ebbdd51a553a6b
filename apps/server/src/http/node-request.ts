import { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { ApiError, badRequest, payloadTooLarge } from './errors';

/**
 * Reading a request on Node without the WHATWG Request that @hono/node-server builds on first use
 * of `c.req.raw`'s body: that Request, its web ReadableStream and `Readable.toWeb` took about 9%
 * of the server's thread per webhook (open200 profile), for bytes Node already holds.
 */

/** The Node request under @hono/node-server; undefined under `app.request()` (tests) or another runtime. */
export function nodeIncoming(c: Context): IncomingMessage | undefined {
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
  return incoming instanceof IncomingMessage ? incoming : undefined;
}

/** A request header, from Node's parsed headers when there are some (no `Headers` object built). */
export function headerOf(c: Context, name: string): string | undefined {
  const incoming = nodeIncoming(c);
  if (!incoming) return c.req.header(name);
  const value = incoming.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Every request header, lower-cased, as Node or the WHATWG Headers join repeated ones. */
export function headersOf(c: Context): Record<string, string> {
  const headers: Record<string, string> = {};
  const incoming = nodeIncoming(c);
  if (incoming) {
    for (const [name, value] of Object.entries(incoming.headers))
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  } else {
    c.req.raw.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
  }
  return headers;
}

/**
 * The body's bytes: 413 past `maxSize`, 400 when the client stops sending it. Straight from Node's
 * stream when nothing has started reading it (the body limit middleware does not for a body with a
 * Content-Length, whose length Node's parser enforces); otherwise through the Request.
 */
export async function readRawBody(c: Context, maxSize: number): Promise<Buffer> {
  const incoming = nodeIncoming(c);
  if (!incoming || incoming.readableDidRead || incoming.listenerCount('data') > 0) {
    const body = Buffer.from(await c.req.arrayBuffer());
    if (body.length > maxSize) throw payloadTooLarge(maxSize);
    return body;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of incoming as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxSize) throw payloadTooLarge(maxSize);
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw badRequest('The request body could not be read to the end');
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}
