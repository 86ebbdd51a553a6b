/**
 * An in-memory Switchboard that speaks the widget contract (README.md) over real HTTP,
 * cross-origin like production: the host page is served by `startHostPage` on another port.
 * Test hooks let a test play the bot, drop live streams and lose a POST's answer.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WidgetMessage } from '../contract';

interface Visitor {
  token: string;
  name?: string;
  email?: string;
  userId?: string;
  messages: WidgetMessage[];
  streams: Set<ServerResponse>;
  /** Typing signals the widget posted. */
  typingPosts: number;
}

export interface StandIn {
  origin: string;
  channelId: string;
  visitors: Map<string, Visitor>;
  /** Message POSTs received, retries included. */
  posts: number;
  /** Resolves with the next visitor message whose text matches. */
  nextInbound(text: string): Promise<{ visitor: Visitor; message: WidgetMessage }>;
  /** Stores a business message and, unless `live: false`, pushes it over the stream. */
  reply(visitor: Visitor, message: Partial<WidgetMessage>, live?: boolean): WidgetMessage;
  /** Pushes an agent's typing signal over the visitor's streams, as the server does. */
  agentTyping(visitor: Visitor, name?: string): void;
  /** Ends every open event stream, as a proxy or a deploy would. */
  dropStreams(): void;
  /** The next `count` session requests answer 503, as during a deploy. */
  failSessions(count: number): void;
  /** The next message POST is stored but answered 503, as if the answer got lost. */
  loseNextPostAnswer(): void;
  close(): Promise<void>;
}

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type',
  'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
  'Access-Control-Max-Age': '600',
};

// 1x1 transparent PNG, for mediaUrl.
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

function send(res: ServerResponse, status: number, body?: unknown, type = 'application/json'): void {
  res.writeHead(status, { ...CORS, 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  try {
    const value: unknown = JSON.parse(raw);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function startStandIn(widgetJs: string, channelId = 'ch_test'): Promise<StandIn> {
  const visitors = new Map<string, Visitor>();
  const waiters: { text: string; resolve: (v: { visitor: Visitor; message: WidgetMessage }) => void }[] = [];
  let loseAnswer = false;
  let failingSessions = 0;
  let clock = Date.now();
  // Strictly increasing timestamps: order and the unread badge depend on createdAt.
  const now = () => new Date((clock = Math.max(clock + 1, Date.now()))).toISOString();

  const store = (visitor: Visitor, m: WidgetMessage, live: boolean) => {
    visitor.messages.push(m);
    if (live) {
      for (const res of visitor.streams) res.write(`event: message\ndata: ${JSON.stringify(m)}\n\n`);
    }
    return m;
  };

  const bearer = (req: IncomingMessage) => visitors.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'OPTIONS') return send(res, 204);
    if (url.pathname === '/widget.js') return send(res, 200, widgetJs, 'text/javascript');
    if (url.pathname === '/pixel.png') return send(res, 200, PIXEL, 'image/png');
    const route = /^\/widget\/([^/]+)\/(sessions|messages|stream|config|typing)$/.exec(url.pathname);
    if (!route || decodeURIComponent(route[1]!) !== channelId)
      return send(res, 404, { error: { code: 'not_found', message: 'Unknown channel' } });
    const key = `${req.method} ${route[2]}`;

    // The owner's look as the server serves it; the test page's tag attributes override most of it.
    if (key === 'GET config') {
      return send(res, 200, {
        title: 'Server title',
        greeting: 'Server greeting',
        color: '#123456',
        position: 'right',
        replyTime: 'We usually reply within 5 minutes',
        avatarUrl: `http://${req.headers.host}/pixel.png`,
      });
    }

    if (key === 'POST sessions') {
      if (failingSessions > 0) {
        failingSessions--;
        return send(res, 503, { error: { code: 'unavailable', message: 'Try again' } });
      }
      const body = (await readJson(req)) ?? {};
      const token = typeof body.visitorToken === 'string' ? body.visitorToken : '';
      let visitor = visitors.get(token);
      if (!visitor) {
        visitor = { token: randomBytes(24).toString('base64url'), messages: [], streams: new Set(), typingPosts: 0 };
        visitors.set(visitor.token, visitor);
      }
      if (typeof body.name === 'string') visitor.name = body.name;
      if (typeof body.email === 'string') visitor.email = body.email;
      // The stand-in trusts any hash; the server's own tests check it.
      const verified = typeof body.userId === 'string' && typeof body.userHash === 'string';
      if (verified) visitor.userId = body.userId as string;
      return send(res, 200, { visitorToken: visitor.token, verified });
    }

    if (key === 'GET stream') {
      const visitor = visitors.get(url.searchParams.get('token') ?? '');
      if (!visitor) return send(res, 401, { error: { code: 'unauthorized', message: 'Unknown visitor' } });
      res.writeHead(200, { ...CORS, 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
      res.write('retry: 500\n\n');
      visitor.streams.add(res);
      const ping = setInterval(() => res.write(': ping\n\n'), 25_000);
      res.on('close', () => {
        clearInterval(ping);
        visitor.streams.delete(res);
      });
      return;
    }

    const visitor = bearer(req);
    if (!visitor) return send(res, 401, { error: { code: 'unauthorized', message: 'Unknown visitor' } });

    if (key === 'GET messages') {
      return send(res, 200, { messages: visitor.messages });
    }
    if (key === 'POST typing') {
      visitor.typingPosts++;
      return send(res, 200, { sent: true });
    }
    if (key === 'POST messages') {
      api.posts++;
      const body = await readJson(req);
      if (typeof body?.text !== 'string' || !body.text.trim() || typeof body.clientId !== 'string') {
        return send(res, 400, { error: { code: 'invalid', message: 'text and clientId are required' } });
      }
      const { text, clientId } = body;
      const known = visitor.messages.find((m) => m.clientId === clientId);
      const message =
        known ?? store(visitor, { id: randomUUID(), clientId, direction: 'in', author: 'contact', text, createdAt: now() }, true);
      if (!known) {
        for (const w of waiters.filter((w) => w.text === text)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve({ visitor, message });
        }
      }
      if (loseAnswer) {
        loseAnswer = false;
        return send(res, 503, { error: { code: 'unavailable', message: 'Try again' } });
      }
      return send(res, 201, { message });
    }
    return send(res, 405, { error: { code: 'method_not_allowed', message: 'Method not allowed' } });
  });

  const api: StandIn = {
    origin: await listen(server),
    channelId,
    visitors,
    posts: 0,
    nextInbound: (text) => new Promise((resolve) => waiters.push({ text, resolve })),
    reply: (visitor, m, live = true) =>
      store(visitor, { id: randomUUID(), direction: 'out', author: 'bot', text: '', createdAt: now(), ...m }, live),
    agentTyping: (visitor, name) => {
      for (const res of visitor.streams) res.write(`event: typing\ndata: ${JSON.stringify(name ? { name } : {})}\n\n`);
    },
    dropStreams: () => {
      for (const v of visitors.values()) for (const res of v.streams) res.destroy();
    },
    failSessions: (count) => {
      failingSessions = count;
    },
    loseNextPostAnswer: () => {
      loseAnswer = true;
    },
    close: async () => {
      for (const v of visitors.values()) for (const res of v.streams) res.destroy();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  return api;
}

/** Serves one host page from its own origin, so the widget works cross-origin as in production. */
export async function startHostPage(html: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((_req, res) => send(res, 200, html, 'text/html; charset=utf-8'));
  const url = `${await listen(server)}/`;
  return {
    url,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
