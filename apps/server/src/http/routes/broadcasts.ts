import { createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../../context';
import {
  BroadcastProblem,
  cancelBroadcast,
  createBroadcast,
  findBroadcast,
  listBroadcasts,
  progressOf,
  recipientsOf,
  type BroadcastProgress,
} from '../../broadcasts/store';
import { SegmentInput } from '../../broadcasts/segment';
import { audit } from '../../services/audit';
import { ApiError, notFound } from '../errors';
import { requireRole } from '../middleware/auth/index';
import { cookieAuth, errors, IdParam, json, jsonBody } from '../openapi-helpers';
import { createRouter } from '../router';

const tags = ['Broadcasts'];

const Template = z
  .object({
    name: z.string().trim().min(1).max(512),
    language: z.string().trim().min(2).max(15),
    /** Body parameters {{1}}, {{2}}... in order. */
    variables: z.array(z.string().max(1024)).max(20).optional(),
    /** A header image (or video/document) link, for templates with a media header. */
    headerMediaUrl: z.string().url().max(2000).optional(),
    /** Payloads of the template's quick-reply buttons, in order. */
    buttonPayloads: z.array(z.string().max(256)).max(10).optional(),
  })
  .strict()
  .openapi('BroadcastTemplate');

const BroadcastInput = z
  .object({
    name: z.string().trim().min(1).max(120),
    channelId: z.string().uuid(),
    text: z.string().max(4096).default(''),
    whatsappTemplate: Template.optional(),
    segment: SegmentInput.default({}),
    /** When to start sending; now when absent. */
    scheduledAt: z.iso.datetime({ offset: true }).optional(),
    /** Messages per second; the channel's own rate (default 50) when absent, never above the provider's limit. */
    sendRatePerSecond: z.number().int().min(1).max(1000).optional(),
  })
  .strict()
  .openapi('BroadcastInput');

const Progress = z
  .object({
    total: z.number(),
    pending: z.number(),
    sending: z.number(),
    sent: z.number(),
    delivered: z.number(),
    read: z.number(),
    failed: z.number(),
    skipped: z.number(),
  })
  .openapi('BroadcastProgress');

const Broadcast = z
  .object({
    id: z.string().uuid(),
    name: z.string(),
    channelId: z.string().uuid(),
    text: z.string(),
    whatsappTemplate: Template.nullable(),
    segment: SegmentInput,
    sendRatePerSecond: z.number(),
    status: z.enum(['scheduled', 'sending', 'completed', 'cancelled']),
    scheduledAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    createdAt: z.string(),
    progress: Progress,
  })
  .openapi('Broadcast');

const Recipient = z
  .object({
    id: z.string().uuid(),
    contactId: z.string().uuid(),
    name: z.string().nullable(),
    status: z.enum(['pending', 'sending', 'sent', 'delivered', 'read', 'failed', 'skipped']),
    reason: z.string().nullable(),
    messageId: z.string().uuid().nullable(),
  })
  .openapi('BroadcastRecipient');

const RecipientQuery = z.object({
  status: Recipient.shape.status.optional().openapi({ param: { name: 'status', in: 'query' } }),
  after: z
    .string()
    .uuid()
    .optional()
    .openapi({ param: { name: 'after', in: 'query' }, description: 'The last recipient id of the previous page' }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(500)
    .default(100)
    .openapi({ param: { name: 'limit', in: 'query' } }),
});

const listRoute = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary: 'Broadcasts, newest first, with their progress',
  security: cookieAuth,
  responses: { 200: json(z.object({ broadcasts: z.array(Broadcast) })), ...errors(401) },
});
const createBroadcastRoute = createRoute({
  method: 'post',
  path: '/',
  tags,
  summary: 'Send a message to a segment now or at a set time, paced at the channel rate (admin)',
  security: cookieAuth,
  request: jsonBody(BroadcastInput),
  responses: { 201: json(Broadcast), ...errors(400, 401, 403) },
});
const getRoute = createRoute({
  method: 'get',
  path: '/{id}',
  tags,
  summary: 'One broadcast and its progress',
  security: cookieAuth,
  request: { params: IdParam },
  responses: { 200: json(Broadcast), ...errors(401, 404) },
});
const recipientsRoute = createRoute({
  method: 'get',
  path: '/{id}/recipients',
  tags,
  summary: 'Each recipient and where their message stands, with the reason when skipped or failed',
  security: cookieAuth,
  request: { params: IdParam, query: RecipientQuery },
  responses: { 200: json(z.object({ recipients: z.array(Recipient) })), ...errors(400, 401, 404) },
});
const cancelRoute = createRoute({
  method: 'post',
  path: '/{id}/cancel',
  tags,
  summary: 'Stop a scheduled or running broadcast; recipients not reached yet are skipped (admin)',
  security: cookieAuth,
  request: { params: IdParam },
  responses: { 200: json(Broadcast), ...errors(401, 403, 404, 409) },
});

type Row = NonNullable<Awaited<ReturnType<typeof findBroadcast>>>;
const EMPTY: BroadcastProgress = { total: 0, pending: 0, sending: 0, sent: 0, delivered: 0, read: 0, failed: 0, skipped: 0 };
const present = (row: Row, progress: BroadcastProgress | undefined): z.infer<typeof Broadcast> => ({
  id: row.id,
  name: row.name,
  channelId: row.channelId,
  text: row.text,
  whatsappTemplate: row.whatsappTemplate,
  segment: row.segment as z.infer<typeof SegmentInput>,
  sendRatePerSecond: row.sendRatePerSecond,
  status: row.status,
  scheduledAt: row.scheduledAt.toISOString(),
  startedAt: row.startedAt?.toISOString() ?? null,
  finishedAt: row.finishedAt?.toISOString() ?? null,
  createdAt: row.createdAt.toISOString(),
  progress: progress ?? EMPTY,
});

export function broadcastRoutes(deps: AppDeps) {
  const { db } = deps;
  const router = createRouter();
  router.on('POST', '*', requireRole('admin'));
  const one = async (workspaceId: string, id: string) => {
    const row = await findBroadcast(db, workspaceId, id);
    if (!row) throw notFound('Broadcast');
    return present(row, (await progressOf(db, workspaceId, [row.id])).get(row.id));
  };
  return router
    .openapi(listRoute, async (c) => {
      const { workspaceId } = c.var.auth;
      const rows = await listBroadcasts(db, workspaceId);
      const progress = await progressOf(
        db,
        workspaceId,
        rows.map((r) => r.id),
      );
      return c.json({ broadcasts: rows.map((r) => present(r, progress.get(r.id))) }, 200);
    })
    .openapi(createBroadcastRoute, async (c) => {
      const input = c.req.valid('json');
      const auth = c.var.auth;
      let row: Row;
      try {
        row = await createBroadcast(db, auth.workspaceId, auth.userId, {
          ...input,
          scheduledAt: input.scheduledAt ? new Date(input.scheduledAt) : undefined,
        });
      } catch (err) {
        if (err instanceof BroadcastProblem)
          throw new ApiError(400, 'validation_failed', err.message, [{ field: err.field, message: err.message }]);
        throw err;
      }
      await audit(db, auth, 'broadcast.created', { type: 'broadcast', id: row.id }, { fields: Object.keys(input) });
      return c.json(present(row, undefined), 201);
    })
    .openapi(getRoute, async (c) => c.json(await one(c.var.auth.workspaceId, c.req.valid('param').id), 200))
    .openapi(recipientsRoute, async (c) => {
      const { id } = c.req.valid('param');
      const { workspaceId } = c.var.auth;
      if (!(await findBroadcast(db, workspaceId, id))) throw notFound('Broadcast');
      const rows = await recipientsOf(db, workspaceId, id, c.req.valid('query'));
      return c.json(
        {
          recipients: rows.map((r) => ({
            id: r.id,
            contactId: r.contact_id,
            name: r.name,
            status: r.status as z.infer<typeof Recipient>['status'],
            reason: r.reason,
            messageId: r.message_id,
          })),
        },
        200,
      );
    })
    .openapi(cancelRoute, async (c) => {
      const { id } = c.req.valid('param');
      const auth = c.var.auth;
      if (!(await findBroadcast(db, auth.workspaceId, id))) throw notFound('Broadcast');
      if (!(await cancelBroadcast(db, auth.workspaceId, id)))
        throw new ApiError(409, 'conflict', 'This broadcast has already finished', { field: 'id' });
      await audit(db, auth, 'broadcast.cancelled', { type: 'broadcast', id }, {});
      return c.json(await one(auth.workspaceId, id), 200);
    });
}
