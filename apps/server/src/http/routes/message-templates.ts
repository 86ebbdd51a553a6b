import { createRoute, z } from '@hono/zod-openapi';
import { and, eq } from 'drizzle-orm';
import { channels, conversations, messages } from '@switchboard/db';
import type { AppDeps } from '../../context';
import { adapterFor, ProviderError } from '../../inbox/adapters';
import { queueOutboundMessage } from '../../inbox/outbound';
import { publishConversationUpdated, publishMessageCreated } from '../../inbox/publish';
import { presentTemplate, renderBody } from '../../message-templates/present';
import { findTemplate, syncChannelTemplates, templatesOf, TemplateSyncProblem } from '../../message-templates/sync';
import { audit } from '../../services/audit';
import { ApiError, badRequest, notFound } from '../errors';
import { requireRole } from '../middleware/auth/index';
import { cookieAuth, errors, IdParam, json, jsonBody } from '../openapi-helpers';
import { createRouter } from '../router';

const WINDOW_MS = 24 * 60 * 60 * 1000;

const Template = z
  .object({
    name: z.string(),
    language: z.string(),
    status: z.string(),
    category: z.string().nullable(),
    sendable: z.boolean(),
    header: z.object({ format: z.string(), text: z.string().optional() }).nullable(),
    body: z.string(),
    footer: z.string().nullable(),
    parameters: z.array(z.string()),
    namedParameters: z.boolean(),
    buttons: z.array(z.object({ type: z.string(), text: z.string(), index: z.number() })),
  })
  .openapi('MessageTemplate');

const TemplateSend = z
  .object({
    name: z.string().trim().min(1).max(512),
    language: z.string().trim().min(2).max(15),
    /** One value per body parameter, in order. */
    variables: z.array(z.string().max(1024)).max(20).default([]),
    /** The link of the header's image, video or document, for a template whose header is media. */
    headerMediaUrl: z
      .string()
      .url()
      .max(2000)
      .refine((u) => /^https:\/\//i.test(u), 'Use an https:// link')
      .optional(),
    /** A payload for each quick-reply button, in order. */
    buttonPayloads: z.array(z.string().max(256)).max(10).optional(),
  })
  .strict()
  .openapi('TemplateSend');

const listChannelRoute = createRoute({
  method: 'get',
  path: '/{id}/templates',
  tags: ['Channels'],
  summary: "The channel's message templates as last synced",
  security: cookieAuth,
  request: { params: IdParam },
  responses: { 200: json(z.object({ templates: z.array(Template) })), ...errors(401, 404) },
});
const syncRoute = createRoute({
  method: 'post',
  path: '/{id}/templates/sync',
  tags: ['Channels'],
  summary: "Fetch the channel's message templates from the provider (WhatsApp) (admin)",
  security: cookieAuth,
  request: { params: IdParam },
  responses: { 200: json(z.object({ templates: z.array(Template) })), ...errors(401, 403, 404, 422) },
});
const conversationTemplatesRoute = createRoute({
  method: 'get',
  path: '/{id}/templates',
  tags: ['Conversations'],
  summary: 'Whether a free-form reply can still reach the customer, and the templates that can',
  security: cookieAuth,
  request: { params: IdParam },
  responses: {
    200: json(
      z.object({ windowOpen: z.boolean(), outsideWindow: z.enum(['free', 'template', 'human_agent']), templates: z.array(Template) }),
    ),
    ...errors(401, 404),
  },
});
const sendTemplateRoute = createRoute({
  method: 'post',
  path: '/{id}/template-messages',
  tags: ['Conversations'],
  summary: 'Send an approved template (the only message WhatsApp delivers 24 hours after the customer last wrote)',
  security: cookieAuth,
  request: { params: IdParam, ...jsonBody(TemplateSend) },
  responses: { 201: json(z.object({ id: z.string().uuid(), text: z.string(), status: z.string() })), ...errors(400, 401, 404) },
});

/** /api/channels/{id}/templates: list and sync. */
export function channelTemplateRoutes(deps: AppDeps) {
  const { db } = deps;
  const router = createRouter();
  router.on('POST', '*', requireRole('admin'));
  const channelOf = async (workspaceId: string, id: string) => {
    const [row] = await db
      .select({ id: channels.id })
      .from(channels)
      .where(and(eq(channels.id, id), eq(channels.workspaceId, workspaceId)));
    if (!row) throw notFound('Channel');
  };
  return router
    .openapi(listChannelRoute, async (c) => {
      const { id } = c.req.valid('param');
      await channelOf(c.var.auth.workspaceId, id);
      return c.json({ templates: (await templatesOf(db, c.var.auth.workspaceId, id)).map(presentTemplate) }, 200);
    })
    .openapi(syncRoute, async (c) => {
      const { id } = c.req.valid('param');
      const auth = c.var.auth;
      await channelOf(auth.workspaceId, id);
      try {
        await syncChannelTemplates(deps, auth.workspaceId, id);
      } catch (err) {
        if (err instanceof TemplateSyncProblem || err instanceof ProviderError) throw new ApiError(422, 'bad_request', err.message);
        throw err;
      }
      await audit(db, auth, 'channel.templates_synced', { type: 'channel', id });
      return c.json({ templates: (await templatesOf(db, auth.workspaceId, id)).map(presentTemplate) }, 200);
    });
}

/** /api/conversations/{id}/templates and /template-messages: the composer once the window closed. */
export function conversationTemplateRoutes(deps: AppDeps) {
  const { db } = deps;
  const router = createRouter();
  const conversationOf = async (workspaceId: string, id: string) => {
    const [row] = await db
      .select({
        id: conversations.id,
        channelId: conversations.channelId,
        channelType: channels.type,
        lastInboundAt: conversations.lastInboundAt,
        handledBy: conversations.handledBy,
      })
      .from(conversations)
      .innerJoin(channels, eq(channels.id, conversations.channelId))
      .where(and(eq(conversations.id, id), eq(conversations.workspaceId, workspaceId)));
    if (!row) throw notFound('Conversation');
    return row;
  };
  return router
    .openapi(conversationTemplatesRoute, async (c) => {
      const { workspaceId } = c.var.auth;
      const conversation = await conversationOf(workspaceId, c.req.valid('param').id);
      const windowOpen = conversation.lastInboundAt !== null && Date.now() - conversation.lastInboundAt.getTime() < WINDOW_MS;
      const outsideWindow = adapterFor(conversation.channelType)?.outsideWindow ?? 'free';
      const templates =
        outsideWindow === 'template'
          ? (await templatesOf(db, workspaceId, conversation.channelId)).map(presentTemplate).filter((t) => t.sendable)
          : [];
      return c.json({ windowOpen, outsideWindow, templates }, 200);
    })
    .openapi(sendTemplateRoute, async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const { workspaceId, userId } = c.var.auth;
      const conversation = await conversationOf(workspaceId, id);
      const stored = await findTemplate(db, workspaceId, conversation.channelId, body.name, body.language);
      if (!stored)
        throw badRequest(`No synced template ${body.name} (${body.language}) on this channel; sync the channel's templates first`, [
          { field: 'name', message: 'Unknown template' },
        ]);
      const view = presentTemplate(stored);
      if (!view.sendable)
        throw badRequest(`The template ${body.name} is ${stored.status.toLowerCase()} at Meta; only approved templates can be sent`, [
          { field: 'name', message: 'Not approved' },
        ]);
      if (body.variables.length !== view.parameters.length) {
        throw badRequest(`This template takes ${view.parameters.length} value(s): ${view.parameters.join(', ') || 'none'}`, [
          { field: 'variables', message: 'Wrong number of values' },
        ]);
      }
      const mediaHeader =
        view.header && ['IMAGE', 'VIDEO', 'DOCUMENT'].includes(view.header.format)
          ? (view.header.format.toLowerCase() as 'image' | 'video' | 'document')
          : null;
      if (mediaHeader && !body.headerMediaUrl)
        throw badRequest(`This template's header is a ${mediaHeader}: give its link`, [{ field: 'headerMediaUrl', message: 'Required' }]);
      const quickReplies = view.buttons.filter((b) => b.type === 'QUICK_REPLY');
      const whatsappTemplate = {
        name: stored.name,
        language: stored.language,
        variables: body.variables,
        ...(view.namedParameters && { parameterNames: view.parameters }),
        ...(mediaHeader && body.headerMediaUrl && { headerMedia: { type: mediaHeader, link: body.headerMediaUrl } }),
        ...(body.buttonPayloads?.length && {
          buttons: quickReplies
            .slice(0, body.buttonPayloads.length)
            .map((b, i) => ({ subType: 'quick_reply' as const, index: b.index, value: body.buttonPayloads![i]! })),
        }),
      };
      const text = renderBody(view, body.variables);
      const created = await db.transaction(async (tx) => {
        const message = await queueOutboundMessage(tx, {
          workspaceId,
          conversationId: id,
          channelId: conversation.channelId,
          author: 'agent',
          authorUserId: userId,
          text,
          meta: { whatsappTemplate },
        });
        if (conversation.handledBy !== 'human') await tx.update(conversations).set({ handledBy: 'human' }).where(eq(conversations.id, id));
        return message;
      });
      await publishMessageCreated(deps, created.id);
      await publishConversationUpdated(deps, workspaceId, id);
      const [row] = await db.select({ status: messages.status }).from(messages).where(eq(messages.id, created.id));
      return c.json({ id: created.id, text, status: row?.status ?? created.status }, 201);
    });
}
