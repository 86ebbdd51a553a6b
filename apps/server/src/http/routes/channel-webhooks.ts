import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppDeps, AppEnv } from '../../context';
import { adapterFor, type InboundRequest, type VerifyContext } from '../../inbox/adapters';
import { channelCache } from '../../inbox/channel-store';
import { receive } from '../../pipeline/receive';
import { storeInbound } from '../../pipeline/store';
import { ApiError, notFound } from '../errors';
import { loggableError } from '../error-handler';
import { bodyLimit } from '../middleware/body-limit/index';
import { headersOf, readRawBody } from '../node-request';
import { errors } from '../openapi-helpers';
import { createRouter } from '../router';
import { recordHandshake } from '../../inbox/channel-connection';

const Params = z.object({ channelId: z.string().openapi({ param: { name: 'channelId', in: 'path' } }) });

const postRoute = createRoute({
  method: 'post',
  path: '/{channelId}',
  tags: ['Webhooks'],
  summary: 'Provider inbound messages and status callbacks',
  description:
    'Verified on the raw body with the channel’s own scheme (Twilio, Meta, Telegram, Mailgun, SendGrid secret URL, or X-Switchboard-Signature for the API channel) before anything is parsed.',
  request: { params: Params },
  responses: {
    200: {
      description: 'Stored (a duplicate is ignored). The body is what the provider expects (Twilio: empty TwiML), else `{"ok":true}`',
    },
    ...errors(400, 401, 403, 404, 413),
  },
});
const getRoute = createRoute({
  method: 'get',
  path: '/{channelId}',
  tags: ['Webhooks'],
  summary: 'Meta verification handshake (hub.challenge)',
  request: { params: Params },
  responses: { 200: { description: 'The challenge, as text' }, ...errors(403, 404) },
});

const MAX_BODY = 1024 * 1024;
const NONCE_TTL_MS = 10 * 60 * 1000;

/** Mailgun replay protection: tokens seen in the last minutes (per process; duplicates are also caught by message id). */
function nonceStore() {
  const seen = new Map<string, number>();
  return (nonce: string) => {
    const now = Date.now();
    if (seen.size > 50_000) for (const [k, at] of seen) if (at < now - NONCE_TTL_MS) seen.delete(k);
    const at = seen.get(nonce);
    if (at !== undefined && at > now - NONCE_TTL_MS) return true;
    seen.set(nonce, now);
    return false;
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function channelWebhookRoutes(deps: AppDeps) {
  const cache = channelCache(deps);
  const seenNonce = nonceStore();
  const verifyContext: VerifyContext = { now: () => new Date(), seenNonce };

  const loadChannel = async (id: string) => {
    const channel = UUID.test(id) ? await cache.get(id) : null;
    if (!channel || channel.deleted) throw notFound('Channel');
    const adapter = adapterFor(channel.type);
    if (!adapter) throw notFound('Channel');
    const config = adapter.configSchema.safeParse(channel.config);
    if (!config.success) throw new ApiError(404, 'not_found', 'Channel is not fully configured');
    return { channel, adapter, config: config.data };
  };

  const inboundRequest = async (c: Context<AppEnv>): Promise<InboundRequest> => {
    const url = new URL(c.req.url);
    const rawBody = c.req.method === 'GET' ? Buffer.alloc(0) : await readRawBody(c, MAX_BODY);
    const headers = headersOf(c);
    return {
      method: c.req.method,
      // The URL the provider called, as PUBLIC_URL names it: a proxy in front changes host and scheme.
      url: `${deps.config.publicUrl}${url.pathname}${url.search}`,
      headers,
      rawBody,
      query: Object.fromEntries(url.searchParams),
    };
  };

  const router = createRouter();
  router.use('*', bodyLimit({ maxSize: MAX_BODY }));
  return router
    .openapi(getRoute, async (c) => {
      const { channel, adapter, config } = await loadChannel(c.req.valid('param').channelId);
      const reply = adapter.handshake?.(await inboundRequest(c), config);
      if (!reply) throw new ApiError(400, 'bad_request', `Channel ${channel.type} has no verification handshake`);
      // The channel card says whether Meta's handshake went through.
      if (reply.status === 200) await recordHandshake(deps.db, channel.id);
      return c.body(reply.body, reply.status as 200, { 'content-type': reply.contentType });
    })
    .openapi(postRoute, async (c) => {
      const { channel, adapter, config } = await loadChannel(c.req.valid('param').channelId);
      const req = await inboundRequest(c);
      const received = receive(adapter, config, req, verifyContext, deps.logger, channel.id);
      if (!received.ok) {
        const { refusal } = received;
        if (refusal.kind === 'unverified')
          throw new ApiError(refusal.status, refusal.status === 401 ? 'unauthorized' : 'forbidden', refusal.reason);
        throw new ApiError(400, 'bad_request', refusal.reason);
      }
      try {
        for (const event of received.events) await storeInbound(deps, channel, event);
      } catch (err) {
        // Not stored: a 503 makes the provider deliver again, which is what we want.
        // loggableError: the query error's parameters hold the customer's message and contact details.
        deps.logger.error({ err: loggableError(err as Error), channelId: channel.id }, 'inbound webhook not stored');
        throw new ApiError(503, 'unavailable', 'Could not store the message; retry shortly', undefined, { 'Retry-After': '5' });
      }
      const ack = adapter.inboundAck?.();
      if (ack) return c.body(ack.body, ack.status as 200, { 'content-type': ack.contentType });
      return c.json({ ok: true }, 200);
    });
}
