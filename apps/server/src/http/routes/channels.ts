import { createRoute, z } from '@hono/zod-openapi';
import { and, desc, eq, isNull } from 'drizzle-orm';
import { channels, workspaces } from '@switchboard/db';
import type { AppDeps } from '../../context';
import { adapterFor, ChannelType } from '../../inbox/adapters';
import { publishChannelUpdated, secretFieldsOf, splitConfig, unsealSecrets } from '../../inbox/channel-store';
import { ENTER_AGAIN, secretsToDrop } from '../../inbox/channel-destination';
import { widgetLook } from '../../inbox/widget-look';
import { connectChannel, disconnectChannel } from '../../inbox/channel-connection';
import { channelHealth } from '../../inbox/channel-health';
import { lastSeenByChannel } from '../../inbox/widget-presence';
import { audit } from '../../services/audit';
import { randomToken } from '../../services/crypto';
import { channelConfigDocs } from '../channel-config-docs';
import { ApiError, notFound } from '../errors';
import { requireRole } from '../middleware/auth/index';
import { cookieAuth, errors, IdParam, json, jsonBody } from '../openapi-helpers';
import { createRouter } from '../router';

const Channel = z
  .object({
    id: z.string().uuid(),
    type: ChannelType,
    name: z.string(),
    config: z.record(z.string(), z.unknown()).openapi({ description: 'Settings without secrets' }),
    webhookUrl: z.string(),
    secretsSet: z.array(z.string()).openapi({ description: 'Secret settings that are set (their values are never returned)' }),
    widgetSnippet: z.string().optional(),
    widget: z
      .object({
        title: z.string(),
        greeting: z.string(),
        color: z.string(),
        position: z.enum(['right', 'left']),
        replyTime: z.string().optional(),
        avatarUrl: z.string().optional(),
        defaultReplyTime: z
          .string()
          .optional()
          .openapi({ description: 'From the expected reply time in Settings, used when the chat sets none' }),
      })
      .optional()
      .openapi({ description: 'Website chat: the bubble as visitors see it' }),
    previewUrl: z.string().optional().openapi({ description: 'Website chat: a page on this server with the bubble, to try it' }),
    lastSeen: z
      .object({ host: z.string(), at: z.string() })
      .nullable()
      .optional()
      .openapi({ description: 'Website chat: the site that last loaded the bubble, and when (null: not seen yet)' }),
    health: z
      .object({ lastInboundAt: z.string().nullable(), lastSendError: z.object({ error: z.string(), at: z.string() }).nullable() })
      .optional()
      .openapi({ description: 'When a customer last wrote, and the last send the provider refused' }),
    createdAt: z.string(),
  })
  .openapi('Channel');

const PatchedChannel = Channel.extend({
  secretsCleared: z
    .array(z.string())
    .optional()
    .openapi({ description: 'Stored secrets removed because the channel now sends to another server; enter them again' }),
}).openapi('PatchedChannel');

const CreatedChannel = z
  .object({
    id: z.string().uuid(),
    type: ChannelType,
    name: z.string(),
    webhookUrl: z.string(),
    secret: z.string().optional().openapi({ description: 'API channel: the HMAC secret, shown once' }),
    connection: z
      .object({ state: z.enum(['connected', 'not_connected', 'failed']), message: z.string(), at: z.string() })
      .optional()
      .openapi({ description: 'Telegram: whether Switchboard registered its webhook with the provider, and if not, why' }),
    identitySecret: z.string().optional().openapi({ description: 'Website chat: the identity verification secret, shown once' }),
    widgetSnippet: z.string().optional(),
    previewUrl: z.string().optional(),
  })
  .openapi('CreatedChannel');

const CreateChannel = z
  .object({ type: ChannelType, name: z.string().trim().min(1).max(120), config: z.record(z.string(), z.unknown()).default({}) })
  .openapi('CreateChannel');
const PatchChannel = z
  .object({ name: z.string().trim().min(1).max(120).optional(), config: z.record(z.string(), z.unknown()).optional() })
  .openapi('PatchChannel');

const tags = ['Channels'];
const listRoute = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary: 'List channels',
  security: cookieAuth,
  responses: { 200: json(z.object({ channels: z.array(Channel) })), ...errors(401) },
});
const getRoute = createRoute({
  method: 'get',
  path: '/{id}',
  tags,
  summary: 'One channel',
  security: cookieAuth,
  request: { params: IdParam },
  responses: { 200: json(Channel), ...errors(401, 404) },
});
const createChannelRoute = createRoute({
  method: 'post',
  path: '/',
  tags,
  summary: 'Connect a channel (admin)',
  description: channelConfigDocs(),
  security: cookieAuth,
  request: jsonBody(CreateChannel),
  responses: { 201: json(CreatedChannel), ...errors(400, 401, 403) },
});
const patchRoute = createRoute({
  method: 'patch',
  path: '/{id}',
  tags,
  summary: 'Rename or change settings (admin); omitted secrets are kept unless the channel moves to another server',
  description:
    "Pointing the channel at another server (the origin of `baseUrl`, an email channel's `provider`, or the SMTP host or port) drops the stored tokens unless the same request enters them again: a token the channel needs is answered 400 naming the field, an optional one is dropped and named in `secretsCleared`.",
  security: cookieAuth,
  request: { params: IdParam, ...jsonBody(PatchChannel) },
  responses: { 200: json(PatchedChannel), ...errors(400, 401, 403, 404) },
});
const identitySecretRoute = createRoute({
  method: 'post',
  path: '/{id}/identity-secret',
  tags,
  summary: 'Website chat: generate a new identity verification secret (admin); shown once, the old one stops working',
  security: cookieAuth,
  request: { params: IdParam },
  responses: { 200: json(z.object({ identitySecret: z.string() })), ...errors(400, 401, 403, 404) },
});
const deleteRoute = createRoute({
  method: 'delete',
  path: '/{id}',
  tags,
  summary: 'Disconnect a channel (admin)',
  security: cookieAuth,
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...errors(401, 403, 404) },
});

type Row = typeof channels.$inferSelect;

/**
 * Validates a full config with the adapter's schema; field errors come back as 400 details. A
 * secret in `cleared` (dropped because the channel moved) that the schema needs says so.
 */
function validateConfig(type: string, config: Record<string, unknown>, cleared: readonly string[] = []): Record<string, unknown> {
  const adapter = adapterFor(type);
  if (!adapter) throw new ApiError(400, 'bad_request', `Channels of type ${type} are not available in this build yet`);
  const result = adapter.configSchema.safeParse(config);
  if (!result.success) {
    const details = result.error.issues.map((i) => ({
      field: ['config', ...i.path].join('.'),
      message: cleared.includes(String(i.path[0])) ? ENTER_AGAIN : i.message,
    }));
    throw new ApiError(400, 'validation_failed', `${details[0]?.field}: ${details[0]?.message}`, details);
  }
  return result.data as Record<string, unknown>;
}

export function channelRoutes(deps: AppDeps) {
  const { db, config } = deps;
  const key = config.appSecret;

  const webhookUrl = (row: Pick<Row, 'id' | 'type' | 'config'>, secrets: Record<string, unknown>) => {
    const base = `${config.publicUrl}/webhooks/channels/${row.id}`;
    // SendGrid Inbound Parse signs nothing: the URL carries the secret.
    if (row.type === 'email' && row.config.provider === 'sendgrid' && typeof secrets.inboundSecret === 'string') {
      return `${base}?secret=${encodeURIComponent(secrets.inboundSecret)}`;
    }
    return base;
  };
  const widgetSnippet = (id: string) => `<script src="${config.publicUrl}/widget.js" data-channel="${id}" async></script>`;

  /** What only a website chat has: its look, its preview page and where it was last seen. */
  type WebchatExtras = { lastSeen: Map<string, { host: string; at: string }>; replyMinutes?: number | undefined };
  const webchatExtras = async (workspaceId: string, rows: Row[]): Promise<WebchatExtras> => {
    const ids = rows.filter((r) => r.type === 'webchat').map((r) => r.id);
    if (!ids.length) return { lastSeen: new Map() };
    const [workspace] = await db.select({ settings: workspaces.settings }).from(workspaces).where(eq(workspaces.id, workspaceId));
    return { lastSeen: await lastSeenByChannel(db, workspaceId, ids), replyMinutes: workspace?.settings.expectedReplyMinutes };
  };

  const present = (row: Row, showSecretUrl: boolean, extras: WebchatExtras = { lastSeen: new Map() }) => {
    const secrets = unsealSecrets(key, row.secrets);
    const defaultReplyTime = widgetLook({}, extras.replyMinutes).replyTime;
    return {
      id: row.id,
      type: row.type as ChannelType,
      name: row.name,
      config: row.config,
      webhookUrl: webhookUrl(row, showSecretUrl ? secrets : {}),
      secretsSet: Object.keys(secrets).sort(),
      ...(row.type === 'webchat' && {
        widgetSnippet: widgetSnippet(row.id),
        widget: { ...widgetLook(row.config, extras.replyMinutes), ...(defaultReplyTime && { defaultReplyTime }) },
        previewUrl: `${config.publicUrl}/preview/${row.id}`,
        lastSeen: extras.lastSeen.get(row.id) ?? null,
      }),
      createdAt: row.createdAt.toISOString(),
    };
  };

  const load = async (workspaceId: string, id: string) => {
    const [row] = await db
      .select()
      .from(channels)
      .where(and(eq(channels.id, id), eq(channels.workspaceId, workspaceId), isNull(channels.deletedAt)));
    if (!row) throw notFound('Channel');
    return row;
  };

  const isAdmin = (role: string) => role === 'admin' || role === 'owner';
  const router = createRouter();
  for (const method of ['POST', 'PATCH', 'DELETE']) {
    router.on(method, '*', requireRole('admin'));
  }
  return router
    .openapi(listRoute, async (c) => {
      const rows = await db
        .select()
        .from(channels)
        .where(and(eq(channels.workspaceId, c.var.auth.workspaceId), isNull(channels.deletedAt)))
        .orderBy(desc(channels.createdAt));
      const extras = await webchatExtras(c.var.auth.workspaceId, rows);
      const health = await channelHealth(
        db,
        c.var.auth.workspaceId,
        rows.map((r) => r.id),
      );
      return c.json(
        {
          channels: rows.map((r) => ({
            ...present(r, isAdmin(c.var.auth.role), extras),
            ...(health.has(r.id) && { health: health.get(r.id)! }),
          })),
        },
        200,
      );
    })
    .openapi(getRoute, async (c) => {
      const row = await load(c.var.auth.workspaceId, c.req.valid('param').id);
      return c.json(present(row, isAdmin(c.var.auth.role), await webchatExtras(row.workspaceId, [row])), 200);
    })
    .openapi(createChannelRoute, async (c) => {
      const body = c.req.valid('json');
      const input: Record<string, unknown> = { ...body.config };
      let secret: string | undefined;
      if (body.type === 'api') input.secret = secret = randomToken(24);
      let identitySecret: string | undefined;
      if (body.type === 'webchat') input.identitySecret = identitySecret = randomToken(32);
      if (body.type === 'email' && input.provider === 'sendgrid' && input.inboundSecret === undefined)
        input.inboundSecret = randomToken(24);
      const valid = validateConfig(body.type, input);
      const split = splitConfig(key, body.type, valid);
      const row = await db.transaction(async (tx) => {
        const [created] = await tx
          .insert(channels)
          .values({
            workspaceId: c.var.auth.workspaceId,
            type: body.type,
            name: body.name,
            config: split.config,
            secrets: split.secrets,
            inboundToken: randomToken(18),
          })
          .returning();
        await audit(
          tx,
          c.var.auth,
          'channel.created',
          { type: 'channel', id: created!.id },
          { fields: ['type', 'name', ...Object.keys(body.config ?? {})] },
        );
        return created!;
      });
      // Telegram: setWebhook now, so the owner has nothing to register by hand.
      const connection = await connectChannel(deps, row, webhookUrl(row, {}));
      return c.json(
        {
          id: row.id,
          type: body.type,
          name: row.name,
          webhookUrl: webhookUrl(row, unsealSecrets(key, row.secrets)),
          ...(secret !== undefined && { secret }),
          ...(identitySecret !== undefined && { identitySecret }),
          ...(connection && { connection }),
          ...(body.type === 'webchat' && { widgetSnippet: widgetSnippet(row.id), previewUrl: `${config.publicUrl}/preview/${row.id}` }),
        },
        201,
      );
    })
    .openapi(patchRoute, async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const current = await load(c.var.auth.workspaceId, id);
      const secretFields = new Set(secretFieldsOf(current.type));
      const secrets = unsealSecrets(key, current.secrets);
      let next = { config: current.config, secrets: current.secrets };
      let secretsCleared: string[] = [];
      if (body.config) {
        // The API channel's secret and the widget's identity secret are ours, not the owner's to set.
        const patch = Object.fromEntries(
          Object.entries(body.config).filter(
            ([k]) => !(current.type === 'api' && k === 'secret') && !(current.type === 'webchat' && k === 'identitySecret'),
          ),
        );
        const before: Record<string, unknown> = { ...current.config, ...secrets };
        const merged: Record<string, unknown> = { ...before };
        for (const [name, value] of Object.entries(patch)) {
          // An empty secret in a form means "unchanged"; null clears an optional field.
          if (secretFields.has(name) && (value === '' || value === undefined)) continue;
          if (value === null) delete merged[name];
          else merged[name] = value;
        }
        // Another server gets none of the stored tokens: they are entered again or dropped.
        secretsCleared = secretsToDrop(current.type, before, merged, patch);
        for (const name of secretsCleared) delete merged[name];
        const split = splitConfig(key, current.type, validateConfig(current.type, merged, secretsCleared));
        next = { config: split.config, secrets: split.secrets };
      }
      const row = await db.transaction(async (tx) => {
        const [updated] = await tx
          .update(channels)
          .set({ name: body.name ?? current.name, config: next.config, secrets: next.secrets, updatedAt: new Date() })
          .where(eq(channels.id, id))
          .returning();
        await audit(
          tx,
          c.var.auth,
          'channel.updated',
          { type: 'channel', id },
          { fields: [...(body.name !== undefined ? ['name'] : []), ...Object.keys(body.config ?? {}), ...secretsCleared] },
        );
        return updated!;
      });
      const connection = body.config ? await connectChannel(deps, row, webhookUrl(row, {})) : null;
      if (connection) row.config = { ...row.config, connection };
      await publishChannelUpdated(deps, row.workspaceId, id);
      return c.json(
        { ...present(row, true, await webchatExtras(row.workspaceId, [row])), ...(secretsCleared.length && { secretsCleared }) },
        200,
      );
    })
    .openapi(identitySecretRoute, async (c) => {
      const { id } = c.req.valid('param');
      const current = await load(c.var.auth.workspaceId, id);
      if (current.type !== 'webchat') throw new ApiError(400, 'bad_request', 'Only website chat channels have an identity secret');
      const identitySecret = randomToken(32);
      const split = splitConfig(key, current.type, { ...current.config, ...unsealSecrets(key, current.secrets), identitySecret });
      await db.transaction(async (tx) => {
        await tx.update(channels).set({ config: split.config, secrets: split.secrets, updatedAt: new Date() }).where(eq(channels.id, id));
        await audit(tx, c.var.auth, 'channel.identity_secret_regenerated', { type: 'channel', id }, { fields: ['identitySecret'] });
      });
      await publishChannelUpdated(deps, current.workspaceId, id);
      return c.json({ identitySecret }, 200);
    })
    .openapi(deleteRoute, async (c) => {
      const { id } = c.req.valid('param');
      const current = await load(c.var.auth.workspaceId, id);
      // Telegram: deleteWebhook, so the bot stops calling a channel that is gone.
      await disconnectChannel(deps, current, (message) => deps.logger.warn({ channelId: id }, message));
      await db.transaction(async (tx) => {
        await tx.update(channels).set({ deletedAt: new Date(), updatedAt: new Date() }).where(eq(channels.id, id));
        await audit(tx, c.var.auth, 'channel.deleted', { type: 'channel', id });
      });
      await publishChannelUpdated(deps, c.var.auth.workspaceId, id);
      return c.body(null, 204);
    });
}
