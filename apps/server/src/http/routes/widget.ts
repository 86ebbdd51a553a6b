import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { cors } from 'hono/cors';
import { busEventStream } from '../sse';
import { StreamSlots } from '../stream-slots';
import { liveFeed } from '../../inbox/live-feed';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { contactIdentities, conversations, messages, workspaces } from '@switchboard/db';
import type { AppDeps, AppEnv } from '../../context';
import { channelCache } from '../../inbox/channel-store';
import { storeInbound } from '../../pipeline/store';
import { loadMessages, type MessageView } from '../../inbox/present';
import { widgetLook } from '../../inbox/widget-look';
import { presenceRecorder } from '../../inbox/widget-presence';
import { publishTyping, typingSignalOf, withTyping } from '../../inbox/typing-signals';
import { openWidgetSession } from '../../inbox/widget-sessions';
import { sha256 } from '../../services/crypto';
import { ApiError, notFound, unauthorized } from '../errors';
import { bearerToken } from '../middleware/auth/index';
import { bodyLimit } from '../middleware/body-limit/index';
import { mediaLinks } from '../../media/attachment-view';
import { mediaFetchTask } from '../../media/fetch-inbound';
import { UPLOAD_REF } from '../../media/link-uploads';
import { isUploadPath } from './media-uploads';
import { errors, json, jsonBody } from '../openapi-helpers';
import { createRouter } from '../router';

const WidgetAttachment = z
  .object({
    url: z.string().nullable(),
    contentType: z.string().nullable(),
    name: z.string().nullable(),
    kind: z.enum(['image', 'audio', 'video', 'file']),
    pending: z.boolean(),
  })
  .openapi('WidgetAttachment');
const WidgetMessage = z
  .object({
    id: z.string(),
    direction: z.enum(['in', 'out']),
    author: z.string(),
    text: z.string(),
    mediaUrl: z.string().optional(),
    attachments: z.array(WidgetAttachment).optional(),
    location: z.object({ name: z.string().optional(), address: z.string().optional(), mapUrl: z.string() }).optional(),
    quickReplies: z.array(z.string()).optional(),
    createdAt: z.string(),
    authorName: z.string().optional(),
    clientId: z.string().optional(),
  })
  .openapi('WidgetMessage');
/** Open event streams per visitor token. */
export const MAX_WIDGET_STREAMS_PER_VISITOR = 3;
const ChannelParam = z.object({
  channelId: z
    .string()
    .uuid()
    .openapi({ param: { name: 'channelId', in: 'path' } }),
});
const bearer = [{ visitorToken: [] }];

const tags = ['Widget'];
const sessionRoute = createRoute({
  method: 'post',
  path: '/{channelId}/sessions',
  tags,
  summary: 'Start or resume a visitor session',
  request: {
    params: ChannelParam,
    ...jsonBody(
      z.object({
        visitorToken: z.string().max(200).optional(),
        name: z.string().trim().max(200).optional(),
        email: z
          .string()
          .trim()
          .email()
          .max(320)
          .optional()
          .or(z.literal(''))
          .openapi({ description: 'Typed by the visitor: kept as attributes.typed_email, never matched' }),
        phone: z
          .string()
          .trim()
          .max(40)
          .optional()
          .openapi({ description: 'Typed by the visitor: kept as attributes.typed_phone, never matched' }),
        userId: z
          .string()
          .trim()
          .min(1)
          .max(200)
          .regex(/^[^\u0000-\u001f]+$/, 'no control characters')
          .optional()
          .openapi({ description: "A logged-in user's id on the owner's site; needs userHash" }),
        userHash: z
          .string()
          .trim()
          .max(128)
          .optional()
          .openapi({ description: "hex HMAC-SHA256(channel identity secret, userId), computed on the owner's server" }),
      }),
    ),
  },
  responses: { 200: json(z.object({ visitorToken: z.string(), verified: z.boolean() })), ...errors(400, 401, 404) },
});
const WidgetLook = z
  .object({
    title: z.string(),
    greeting: z.string().openapi({ description: 'First bubble, shown when the chat opens; never stored as a message' }),
    color: z.string().openapi({ description: '#rrggbb' }),
    position: z.enum(['right', 'left']),
    replyTime: z.string().optional().openapi({ description: 'e.g. "We usually reply within 2 hours"' }),
    avatarUrl: z.string().optional().openapi({ description: 'http(s) picture shown in the chat header' }),
  })
  .openapi('WidgetLook');
const configRoute = createRoute({
  method: 'get',
  path: '/{channelId}/config',
  tags,
  summary: "The chat bubble's look, as set in the app",
  request: { params: ChannelParam },
  responses: { 200: json(WidgetLook), ...errors(404) },
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
  request: {
    params: ChannelParam,
    ...jsonBody(
      z
        .object({
          text: z.string().trim().max(5_000).default(''),
          clientId: z.string().min(1).max(100),
          attachments: z
            .array(z.string().uuid())
            .max(10)
            .optional()
            .openapi({ description: 'Ids from POST /widget/{channelId}/attachments' }),
        })
        .refine((b) => b.text !== '' || (b.attachments?.length ?? 0) > 0, { message: 'Write a message or attach a file', path: ['text'] }),
    ),
  },
  responses: { 201: json(z.object({ message: WidgetMessage })), ...errors(400, 401, 404) },
});
const typingRoute = createRoute({
  method: 'post',
  path: '/{channelId}/typing',
  tags,
  summary: 'Show the agents that the visitor is typing (send every few seconds while they type)',
  security: bearer,
  request: { params: ChannelParam },
  responses: { 200: json(z.object({ sent: z.boolean() })), ...errors(401, 404) },
});

/** What a visitor may see of a message: never notes, never delivery internals. */
export function toWidgetMessage(m: MessageView): z.infer<typeof WidgetMessage> {
  return {
    id: m.id,
    direction: m.direction,
    author: m.author,
    text: m.text,
    createdAt: m.createdAt,
    ...(m.attachments[0]?.url && { mediaUrl: m.attachments[0].url }),
    ...(m.attachments.length > 0 && {
      attachments: m.attachments.map(({ url, contentType, name, kind, pending }) => ({ url, contentType, name, kind, pending })),
    }),
    ...(m.location && {
      location: {
        mapUrl: m.location.mapUrl,
        ...(m.location.name && { name: m.location.name }),
        ...(m.location.address && { address: m.location.address }),
      },
    }),
    ...(m.quickReplies?.length && { quickReplies: m.quickReplies }),
    ...(m.authorUser?.name && { authorName: m.authorUser.name }),
    ...(m.clientId && { clientId: m.clientId }),
  };
}

/**
 * The website widget's API. Visitors hold a random bearer token; only its SHA-256 is stored, as the
 * external id of their contact identity on the channel, so a leaked table grants nothing. A visitor
 * joins an existing contact only through a verified user id (see openWidgetSession).
 */
export function widgetRoutes(deps: AppDeps) {
  const { db } = deps;
  const cache = channelCache(deps);
  const recordPresence = presenceRecorder(db, deps.config.publicUrl);
  // A visitor's chat must not fail because of the installed-on hint (written once a minute at most).
  const notePresence = (c: Context<AppEnv>, channel: Parameters<typeof recordPresence>[0]) =>
    recordPresence(channel, c.req.header('origin')).catch((err: unknown) =>
      deps.logger.warn({ err, channelId: channel.id }, 'widget presence not recorded'),
    );

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
    const rows = await loadMessages(
      db,
      and(
        inArray(
          messages.conversationId,
          convs.map((x) => x.id),
        ),
        eq(messages.private, false),
      ),
      { limit: 200, newestFirst: true, links: mediaLinks(deps.config) },
    );
    return rows.reverse().map(toWidgetMessage);
  };

  const router = createRouter();
  router.use(
    '*',
    cors({ origin: '*', allowMethods: ['GET', 'POST', 'OPTIONS'], allowHeaders: ['Content-Type', 'Authorization'], maxAge: 86_400 }),
  );
  const limit = bodyLimit({ maxSize: 64 * 1024 });
  // A visitor's file upload has the media store's own limit (widget-media.ts).
  router.use('*', (c, next) => (isUploadPath(c.req.path) ? next() : limit(c, next)));
  router.use('*', async (c, next) => {
    await next();
    // The widget runs on other sites' pages.
    c.res.headers.set('Cross-Origin-Resource-Policy', 'cross-origin');
  });

  // A visitor's open tabs; past that, a token is being used to pin sockets (see stream-slots.ts).
  const visitorStreams = new StreamSlots(MAX_WIDGET_STREAMS_PER_VISITOR);
  router.get('/:channelId/stream', async (c) => {
    const channelId = c.req.param('channelId');
    if (!/^[0-9a-f-]{36}$/i.test(channelId)) throw notFound('Chat');
    const channel = await webchat(channelId);
    const token = c.req.query('token') ?? bearerToken(c.req.header('authorization')) ?? '';
    const contactId = await visitor(c, channelId, token);
    const release = visitorStreams.take(`${channelId}:${sha256(token)}`);
    if (!release) {
      throw new ApiError(
        429,
        'rate_limited',
        `At most ${MAX_WIDGET_STREAMS_PER_VISITOR} chat windows may stay connected per visitor; close one first.`,
        undefined,
        { 'Retry-After': '10' },
      );
    }
    return busEventStream(
      c,
      withTyping(deps, (listener) => liveFeed(deps).subscribe(channel.workspaceId, listener)),
      {
        onClose: release,
        select: (event) => {
          const typing = typingSignalOf(event);
          if (typing) {
            const mine =
              event.workspaceId === channel.workspaceId &&
              typing.who === 'agent' &&
              typing.contactId === contactId &&
              typing.channelId === channelId;
            return mine ? { event: 'typing', data: JSON.stringify(typing.name ? { name: typing.name } : {}) } : null;
          }
          const data = event.data as { contactId?: string; channelId?: string; message?: MessageView } | undefined;
          if (event.workspaceId !== channel.workspaceId || data?.contactId !== contactId || data.channelId !== channelId || !data.message)
            return null;
          const m = data.message;
          if (m.private) return null;
          // Visitor messages when stored (other tabs), replies once delivered to the widget.
          const show =
            m.direction === 'in' ? event.type === 'message.created' : event.type === 'message.updated' && m.status === 'delivered';
          return show ? { event: 'message', id: m.id, data: JSON.stringify(toWidgetMessage(m)) } : null;
        },
      },
    );
  });

  return router
    .openapi(configRoute, async (c) => {
      const channel = await webchat(c.req.valid('param').channelId);
      await notePresence(c, channel);
      // The workspace's expected reply time only matters when the chat has no reply-time text of its own.
      const ownReplyTime = typeof channel.config.replyTime === 'string' && channel.config.replyTime.trim() !== '';
      const [workspace] = ownReplyTime
        ? []
        : await db.select({ settings: workspaces.settings }).from(workspaces).where(eq(workspaces.id, channel.workspaceId));
      // Changes in the app reach visitors within a minute; every page view of a busy site is one cached GET.
      c.header('Cache-Control', 'public, max-age=60');
      return c.json(widgetLook(channel.config, workspace?.settings.expectedReplyMinutes), 200);
    })
    .openapi(sessionRoute, async (c) => {
      const { channelId } = c.req.valid('param');
      const body = c.req.valid('json');
      const channel = await webchat(channelId);
      await notePresence(c, channel);
      // Ids of the contact, conversation or workspace never reach the page: the token is the visitor's only handle.
      return c.json(
        await openWidgetSession(db, channel, {
          ...body,
          name: body.name || undefined,
          email: body.email || undefined,
          phone: body.phone || undefined,
        }),
        200,
      );
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
      const result = await storeInbound(
        deps,
        channel,
        {
          kind: 'message',
          // Unique per channel: the same clientId from two visitors is two messages.
          providerMessageId: `${contactId}:${body.clientId}`,
          externalId: sha256(token!),
          text: body.text,
          attachments: (body.attachments ?? []).map((id) => ({ url: `${UPLOAD_REF}${id}` })),
          timestamp: new Date(),
        },
        { clientId: body.clientId },
      );
      if (!result.messageId) throw new ApiError(503, 'unavailable', 'Could not store the message; retry shortly');
      // The visitor's own uploads are attached now, so the answer shows them (the job finds nothing left).
      if (body.attachments?.length && !result.duplicate) await mediaFetchTask(deps, { messageId: result.messageId });
      const [m] = await loadMessages(db, eq(messages.id, result.messageId), { links: mediaLinks(deps.config) });
      return c.json({ message: toWidgetMessage(m!) }, 201);
    })
    .openapi(typingRoute, async (c) => {
      const { channelId } = c.req.valid('param');
      const channel = await webchat(channelId);
      const contactId = await visitor(c, channelId);
      // The visitor's latest conversation is the one an agent has open.
      const [conversation] = await db
        .select({ id: conversations.id })
        .from(conversations)
        .where(
          and(
            eq(conversations.channelId, channelId),
            eq(conversations.contactId, contactId),
            eq(conversations.workspaceId, channel.workspaceId),
          ),
        )
        .orderBy(desc(sql`coalesce(${conversations.lastMessageAt}, ${conversations.createdAt})`))
        .limit(1);
      if (!conversation) return c.json({ sent: false }, 200);
      const sent = await publishTyping(deps, channel.workspaceId, {
        conversationId: conversation.id,
        channelId,
        contactId,
        who: 'customer',
      });
      return c.json({ sent }, 200);
    });
}
