import { createRoute, z } from '@hono/zod-openapi';
import { and, eq } from 'drizzle-orm';
import { contactIdentities } from '@switchboard/db';
import type { AppDeps } from '../../context';
import { channelCache } from '../../inbox/channel-store';
import { sha256 } from '../../services/crypto';
import { notFound, unauthorized } from '../errors';
import { errors, json } from '../openapi-helpers';
import { createRouter } from '../router';
import { NameQuery, storeUpload, uploadBody, UploadedFile } from './media-uploads';

const ChannelParam = z.object({
  channelId: z
    .string()
    .uuid()
    .openapi({ param: { name: 'channelId', in: 'path' } }),
});

const uploadRoute = createRoute({
  method: 'post',
  path: '/{channelId}/attachments',
  tags: ['Widget'],
  summary: "A visitor's file, to send with their next message",
  description: 'Send it with `POST /widget/{channelId}/messages {attachments: [id]}`; only this visitor can.',
  security: [{ visitorToken: [] }],
  request: { params: ChannelParam, query: NameQuery, body: uploadBody },
  responses: { 201: json(z.object({ attachment: UploadedFile })), ...errors(400, 401, 404, 413, 422) },
});

/** `POST /widget/:channelId/attachments` with the visitor's token. */
export function widgetMediaRoutes(deps: AppDeps) {
  const cache = channelCache(deps);
  return createRouter().openapi(uploadRoute, async (c) => {
    const { channelId } = c.req.valid('param');
    const channel = await cache.get(channelId);
    if (!channel || channel.deleted || channel.type !== 'webchat') throw notFound('Chat');
    const token = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (!token) throw unauthorized('Send the visitor token');
    const [identity] = await deps.db
      .select({ contactId: contactIdentities.contactId })
      .from(contactIdentities)
      .where(and(eq(contactIdentities.channelId, channelId), eq(contactIdentities.externalId, sha256(token))));
    if (!identity) throw unauthorized('Unknown visitor token; start a new session');
    const name = c.req.valid('query').name;
    // Bound to a conversation when the message that carries it is stored.
    const attachment = await storeUpload(deps, c, {
      workspaceId: channel.workspaceId,
      conversationId: null,
      uploadedBy: `contact:${identity.contactId}`,
      ...(name && { name }),
    });
    return c.json({ attachment }, 201);
  });
}
