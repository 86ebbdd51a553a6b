import { createRoute, z } from '@hono/zod-openapi';
import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import { conversations, conversationStatuses, memberships, messages, priorities, teams } from '@switchboard/db';
import type { AppDeps } from '../../context';
import { assignConversation } from '../../inbox/assignment';
import { audit } from '../../services/audit';
import { queueOutboundMessage } from '../../inbox/outbound';
import { mediaLinks } from '../../media/attachment-view';
import { claimUploads, uploadAttachments } from '../../media/link-uploads';
import { drainQueueFor } from '../../inbox/queue-drain';
import { conversationSortKey, loadConversation, loadConversations, loadMessages } from '../../inbox/present';
import { publishConversationUpdated, publishMessageCreated } from '../../inbox/publish';
import { badRequest, notFound } from '../errors';
import { cookieAuth, errors, IdParam, json, jsonBody } from '../openapi-helpers';
import { createRouter } from '../router';
import { ConversationSchema, decodeCursor, encodeCursor, MessageSchema } from './inbox-schemas';
import { pushTranscriptOnResolve } from '../../crm/on-resolve';

const ListQuery = z.object({
  status: z.enum(conversationStatuses).optional(),
  assignee: z.string().optional().openapi({ description: '`me`, `unassigned` or a user id' }),
  channelId: z.string().uuid().optional(),
  teamId: z.string().uuid().optional(),
  contactId: z.string().uuid().optional(),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

const Patch = z
  .object({
    status: z.enum(conversationStatuses).optional(),
    priority: z.enum(priorities).optional(),
    assigneeId: z.string().uuid().nullable().optional(),
    teamId: z.string().uuid().nullable().optional(),
    handledBy: z.enum(['bot', 'human']).optional(),
  })
  .strict()
  .openapi('ConversationPatch');

const PostMessage = z
  .object({
    text: z.string().trim().max(10_000).default(''),
    private: z.boolean().default(false),
    attachments: z
      .array(z.string().uuid())
      .max(10)
      .optional()
      .openapi({ description: 'Ids from POST /api/conversations/{id}/attachments' }),
    // A web address only: the agent's link reaches the customer's app and the inbox as a link or image.
    mediaUrl: z
      .url({ protocol: /^https?$/, hostname: /./, error: 'Use a web address that starts with https:// or http://' })
      .max(2_000)
      .optional(),
    quickReplies: z.array(z.string().min(1).max(100)).max(13).optional(),
  })
  .refine((b) => b.text !== '' || (b.attachments?.length ?? 0) > 0 || b.mediaUrl !== undefined, {
    message: 'Write a message or attach a file',
    path: ['text'],
  })
  .openapi('PostMessage');

const tags = ['Inbox'];
const listRoute = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary: 'Conversations, most recent first (cursor pagination)',
  security: cookieAuth,
  request: { query: ListQuery },
  responses: {
    200: json(z.object({ conversations: z.array(ConversationSchema), nextCursor: z.string().nullable() })),
    ...errors(400, 401),
  },
});
const getRoute = createRoute({
  method: 'get',
  path: '/{id}',
  tags,
  summary: 'One conversation',
  security: cookieAuth,
  request: { params: IdParam },
  responses: { 200: json(ConversationSchema), ...errors(401, 404) },
});
const patchRoute = createRoute({
  method: 'patch',
  path: '/{id}',
  tags,
  summary: 'Change status, priority, assignee, team or who handles it',
  security: cookieAuth,
  request: { params: IdParam, ...jsonBody(Patch) },
  responses: { 200: json(ConversationSchema), ...errors(400, 401, 404) },
});
const messagesRoute = createRoute({
  method: 'get',
  path: '/{id}/messages',
  tags,
  summary: 'The thread, oldest first (the latest `limit` messages)',
  security: cookieAuth,
  request: { params: IdParam, query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(500) }) },
  responses: { 200: json(z.object({ messages: z.array(MessageSchema) })), ...errors(401, 404) },
});
const postMessageRoute = createRoute({
  method: 'post',
  path: '/{id}/messages',
  tags,
  summary: 'Reply to the customer, or add a private note',
  security: cookieAuth,
  request: { params: IdParam, ...jsonBody(PostMessage) },
  responses: { 201: json(MessageSchema), ...errors(400, 401, 404) },
});

export function conversationRoutes(deps: AppDeps) {
  const { db } = deps;

  const mustExist = async (workspaceId: string, id: string) => {
    const [row] = await db
      .select({
        id: conversations.id,
        channelId: conversations.channelId,
        handledBy: conversations.handledBy,
        assigneeId: conversations.assigneeId,
      })
      .from(conversations)
      .where(and(eq(conversations.id, id), eq(conversations.workspaceId, workspaceId)));
    if (!row) throw notFound('Conversation');
    return row;
  };

  return createRouter()
    .openapi(listRoute, async (c) => {
      const q = c.req.valid('query');
      const { workspaceId, userId } = c.var.auth;
      const where: SQL[] = [eq(conversations.workspaceId, workspaceId)];
      if (q.status) where.push(eq(conversations.status, q.status));
      if (q.channelId) where.push(eq(conversations.channelId, q.channelId));
      if (q.teamId) where.push(eq(conversations.teamId, q.teamId));
      if (q.contactId) where.push(eq(conversations.contactId, q.contactId));
      if (q.assignee === 'unassigned') where.push(isNull(conversations.assigneeId));
      else if (q.assignee === 'me') {
        if (!userId) throw badRequest('assignee=me needs a signed-in user, not an API key');
        where.push(eq(conversations.assigneeId, userId));
      } else if (q.assignee) {
        if (!/^[0-9a-f-]{36}$/i.test(q.assignee)) throw badRequest('assignee must be me, unassigned or a user id');
        where.push(eq(conversations.assigneeId, q.assignee));
      }
      if (q.cursor) {
        const cursor = decodeCursor(q.cursor);
        if (!cursor) throw badRequest('Invalid cursor');
        where.push(sql`(${conversationSortKey}, ${conversations.id}) < (${cursor[0]}::timestamptz, ${cursor[1]}::uuid)`);
      }
      const rows = await loadConversations(db, and(...where), q.limit + 1);
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return c.json(
        {
          conversations: page.map((r) => r.view),
          nextCursor: rows.length > q.limit && last ? encodeCursor(last.sortKey, last.view.id) : null,
        },
        200,
      );
    })
    .openapi(getRoute, async (c) => {
      const view = await loadConversation(db, c.var.auth.workspaceId, c.req.valid('param').id);
      if (!view) throw notFound('Conversation');
      return c.json(view, 200);
    })
    .openapi(patchRoute, async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const { workspaceId } = c.var.auth;
      const before = await mustExist(workspaceId, id);
      await db.transaction(async (tx) => {
        if (body.teamId) {
          const [team] = await tx
            .select({ id: teams.id })
            .from(teams)
            .where(and(eq(teams.id, body.teamId), eq(teams.workspaceId, workspaceId)));
          if (!team) throw badRequest('teamId is not a team of this workspace');
        }
        if (body.assigneeId !== undefined) {
          if (body.assigneeId) {
            const [member] = await tx
              .select({ userId: memberships.userId })
              .from(memberships)
              .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, body.assigneeId)));
            if (!member) throw badRequest('assigneeId is not a member of this workspace');
            await assignConversation(tx, {
              workspaceId,
              conversationId: id,
              to: 'agent',
              userId: body.assigneeId,
              ...(body.teamId !== undefined && { teamId: body.teamId }),
            });
          } else {
            await assignConversation(tx, {
              workspaceId,
              conversationId: id,
              to: 'unassign',
              ...(body.teamId !== undefined && { teamId: body.teamId }),
            });
          }
        }
        const set: Partial<typeof conversations.$inferInsert> = {};
        if (body.teamId !== undefined && body.assigneeId === undefined) set.teamId = body.teamId;
        if (body.priority) set.priority = body.priority;
        if (body.status) {
          set.status = body.status;
          set.resolvedAt = body.status === 'resolved' ? new Date() : null;
          if (body.status === 'resolved') Object.assign(set, { waitingSince: null, waitingForPersonSince: null });
          if (set.resolvedAt)
            await pushTranscriptOnResolve(tx, { workspaceId, conversationId: id, resolvedAt: set.resolvedAt, actor: 'agent' });
        }
        // A person taking the conversation stops the bot, unless the caller says otherwise.
        if (body.handledBy) set.handledBy = body.handledBy;
        // Given back to the bot: nobody is expected to answer as a person any more.
        if (body.handledBy === 'bot') set.waitingForPersonSince = null;
        else if (body.assigneeId) set.handledBy = 'human';
        if (Object.keys(set).length) {
          await tx
            .update(conversations)
            .set({ ...set, updatedAt: new Date() })
            .where(eq(conversations.id, id));
        }
        await audit(tx, c.var.auth, 'conversation.updated', { type: 'conversation', id }, { fields: Object.keys(body) });
      });
      await publishConversationUpdated(deps, workspaceId, id);
      // Resolved, closed or given to someone else: the agent it left has room for the next in the queue.
      if (before.assigneeId && (body.status || body.assigneeId !== undefined)) await drainQueueFor(deps, workspaceId, before.assigneeId);
      const view = await loadConversation(db, workspaceId, id);
      return c.json(view!, 200);
    })
    .openapi(messagesRoute, async (c) => {
      const { id } = c.req.valid('param');
      await mustExist(c.var.auth.workspaceId, id);
      const newest = await loadMessages(db, and(eq(messages.conversationId, id), eq(messages.workspaceId, c.var.auth.workspaceId)), {
        links: mediaLinks(deps.config),
        limit: c.req.valid('query').limit,
        newestFirst: true,
      });
      return c.json({ messages: newest.reverse() }, 200);
    })
    .openapi(postMessageRoute, async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const { workspaceId, userId } = c.var.auth;
      const conversation = await mustExist(workspaceId, id);
      const created = await db.transaction(async (tx) => {
        const files = body.attachments?.length ? await claimUploads(tx, workspaceId, id, body.attachments, null) : [];
        if (files.length < (body.attachments?.length ?? 0))
          throw badRequest('An attachment was not found in this conversation; upload it again.');
        const message = await queueOutboundMessage(tx, {
          attachments: uploadAttachments(files),
          workspaceId,
          conversationId: id,
          channelId: conversation.channelId,
          author: 'agent',
          authorUserId: userId,
          text: body.text,
          private: body.private,
          ...(body.mediaUrl !== undefined && { mediaUrl: body.mediaUrl }),
          ...(body.quickReplies !== undefined && { quickReplies: body.quickReplies }),
        });
        // A person answering takes over from the bot; a note does not.
        if (!body.private && conversation.handledBy !== 'human') {
          await tx.update(conversations).set({ handledBy: 'human' }).where(eq(conversations.id, id));
        }
        return message;
      });
      await publishMessageCreated(deps, created.id);
      await publishConversationUpdated(deps, workspaceId, id);
      const [view] = await loadMessages(db, eq(messages.id, created.id), { links: mediaLinks(deps.config) });
      return c.json(view!, 201);
    });
}
