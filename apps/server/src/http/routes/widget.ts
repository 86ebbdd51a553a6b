import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { cors } from 'hono/cors';
import { busEventStream } from '../sse';
import { liveFeed } from '../../inbox/live-feed';
import { and, eq, inArray } from 'drizzle-orm';
import { contactIdentities, contacts, conversations, messages } from '@switchboard/db';
import type { AppDeps, AppEnv } from '../../context';
import { channelCache } from '../../inbox/channel-store';
import { upsertContactIdentity } from '../../inbox/contacts';
import { ingestInbound } from '../../inbox/ingest';
import { loadMessages, type MessageView } from '../../inbox/present';
import { randomToken, sha256 } from '../../services/crypto';
import { ApiError, notFound, unauthorized } from '../errors';
import { bodyLimit } from '../middleware/body-limit/index';
import { errors, json, jsonBody } from '../openapi-helpers';
import { createRouter } from '../router';

const WidgetMessage = z
  .object({
    id: z.string(),
    direction: z.enum(['in', 'out']),
    author: z.string(),
    text: z.string(),
    mediaUrl: z.string().optional(),
    quickReplies: z.array(z.string()).optional(),
    createdAt: z.string(),
    authorName: z.string().optional(),
    clientId: z.string().optional(),
  })
  .openapi('WidgetMessage');
const ChannelParam = z.object({ channelId: z.string().uuid().openapi({ param: { name: 'channelId', in: 'path' } }) });
const bearer = [{ visitorToken: [] }];

const tags = ['Widget'];
const sessionRoute = createRoute({
  method: 'post',
  path: '/{channelId}/sessions',
  tags,
  summary: 'Start or resume a visitor session',
  request: {
    params: ChannelParam,
    ...jsonBody(z.object({ visitorToken: z.string().max(200).optional(), name: z.string().trim().max(200).optional(), email: z.string().trim().email().max(320).optional().or(z.literal('')) })),
  },
  responses: { 200: json(z.object({ visitorToken: z.string(), contactId: z.string().uuid() })), ...errors(400, 404) },
});
const listRoute = createRoute({
  method: 'get',
  path: '/{channelId}/messages',
  tags,
  summary: "The visitor's thread (no private notes)",
  security: bearer,
  request: { params: ChannelParam },
  responses: { 200: json(z.object({ messages: z.array(WidgetMessage) })), ...errors(401, 404) },
});
const postRoute = createRoute({
  method: 'post',
  path: '/{channelId}/messages',
  tags,
  summary: 'Send a visitor message (idempotent on clientId)',
  security: bearer,
  request: { params: ChannelParam, ...jsonBody(z.object({ text: z.string().trim().min(1).max(5_000), clientId: z.string().min(1).max(100) })) },
  responses: { 201: json(z.object({ message: WidgetMessage })), ...errors(400, 401, 404) },
});

/** What a visitor may see of a message: never notes, never delivery internals. */
export function toWidgetMessage(m: MessageView): z.infer<typeof WidgetMessage> {
  return {
    id: m.id,
    direction: m.direction,
    author: m.author,
    text: m.text,
    createdAt: m.createdAt,
    ...(m.attachments[0] && { mediaUrl: m.attachments[0].url }),
    ...(m.quickReplies?.length && { quickReplies: m.quickReplies }),
    ...(m.authorUser?.name && { authorName: m.authorUser.name }),
    ...(m.clientId && { clientId: m.clientId }),
  };
}

/**
 * The website widget's API. Visitors hold a random bearer token; only its SHA-256 is stored, as the
 * external id of their contact identity on the channel, so a leaked table grants nothing.
 */
export function widgetRoutes(deps: AppDeps) {
  const { db } = deps;
  const cache = channelCache(deps);

  const webchat = async (channelId: string) => {
    const channel = await cache.get(channelId);
    if (!channel || channel.deleted || channel.type !== 'webchat') throw notFound('Chat');
    return channel;
  };

  const visitor = async (c: Context<AppEnv>, channelId: string, token?: string) => {
    const raw = token ?? /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (!raw) throw unauthorized('Send the visitor token');
    const [identity] = await db
      .select({ contactId: contactIdentities.contactId })
      .from(contactIdentities)
      .where(and(eq(contactIdentities.channelId, channelId), eq(contactIdentities.externalId, sha256(raw))));
    if (!identity) throw unauthorized('Unknown visitor token; start a new session');
    return identity.contactId;
  };

  const thread = async (channelId: string, contactId: string) => {
    const convs = await db
      .select({ id: conversations.id })
      .from(conversations)
      .where(and(eq(conversations.channelId, channelId), eq(conversations.contactId, contactId)));
    if (!convs.length) return [];
    const rows = await loadMessages(db, and(inArray(messages.conversationId, convs.map((x) => x.id)), eq(messages.private, false)), { limit: 200, newestFirst: true });
    return rows.reverse().map(toWidgetMessage);
  };

  const router = createRouter();
  router.use('*', cors({ origin: '*', allowMethods: ['GET', 'POST', 'OPTIONS'], allowHeaders: ['Content-Type', 'Authorization'], maxAge: 86_400 }));
  router.use('*', bodyLimit({ maxSize: 64 * 1024 }));
  router.use('*', async (c, next) => {
    await next();
    // The widget runs on other sites' pages.
    c.res.headers.set('Cross-Origin-Resource-Policy', 'cross-origin');
  });

  router.get('/:channelId/stream', async (c) => {
    const channelId = c.req.param('channelId');
    if (!/^[0-9a-f-]{36}$/i.test(channelId)) throw notFound('Chat');
    const channel = await webchat(channelId);
    const contactId = await visitor(c, channelId, c.req.query('token'));
    return busEventStream(c, (listener) => liveFeed(deps).subscribe(channel.workspaceId, listener), {
      select: (event) => {
        const data = event.data as { contactId?: string; channelId?: string; message?: MessageView } | undefined;
        if (event.workspaceId !== channel.workspaceId || data?.contactId !== contactId || data.channelId !== channelId || !data.message) return null;
        const m = data.message;
        if (m.private) return null;
        // Visitor messages when stored (other tabs), replies once delivered to the widget.
        const show = m.direction === 'in' ? event.type === 'message.created' : event.type === 'message.updated' && m.status === 'delivered';
        return show ? { event: 'message', id: m.id, data: JSON.stringify(toWidgetMessage(m)) } : null;
      },
    });
  });

  return router
    .openapi(sessionRoute, async (c) => {
      const { channelId } = c.req.valid('param');
      const body = c.req.valid('json');
      const channel = await webchat(channelId);
      const email = body.email || undefined;
      if (body.visitorToken) {
        const [identity] = await db
          .select({ contactId: contactIdentities.contactId })
          .from(contactIdentities)
          .where(and(eq(contactIdentities.channelId, channelId), eq(contactIdentities.externalId, sha256(body.visitorToken))));
        if (identity) {
          if (body.name || email) {
            await db
              .update(contacts)
              .set({ ...(body.name && { name: body.name }), ...(email && { email }), updatedAt: new Date() })
              .where(eq(contacts.id, identity.contactId));
          }
          return c.json({ visitorToken: body.visitorToken, contactId: identity.contactId }, 200);
        }
      }
      const visitorToken = randomToken(24);
      const { contactId } = await db.transaction((tx) =>
        upsertContactIdentity(tx, channel.workspaceId, channelId, { externalId: sha256(visitorToken), name: body.name || undefined, email }),
      );
      return c.json({ visitorToken, contactId }, 200);
    })
    .openapi(listRoute, async (c) => {
      const { channelId } = c.req.valid('param');
      await webchat(channelId);
      const contactId = await visitor(c, channelId);
      return c.json({ messages: await thread(channelId, contactId) }, 200);
    })
    .openapi(postRoute, async (c) => {
      const { channelId } = c.req.valid('param');
      const body = c.req.valid('json');
      const channel = await webchat(channelId);
      const token = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
      const contactId = await visitor(c, channelId);
      const result = await ingestInbound(
        deps,
        channel,
        {
          kind: 'message',
          // Unique per channel: the same clientId from two visitors is two messages.
          providerMessageId: `${contactId}:${body.clientId}`,
          externalId: sha256(token!),
          text: body.text,
          attachments: [],
          timestamp: new Date(),
        },
        { clientId: body.clientId },
      );
      if (!result.messageId) throw new ApiError(503, 'unavailable', 'Could not store the message; retry shortly');
      const [m] = await loadMessages(db, eq(messages.id, result.messageId));
      return c.json({ message: toWidgetMessage(m!) }, 201);
    });
}
