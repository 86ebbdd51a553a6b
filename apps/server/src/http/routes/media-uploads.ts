import { createRoute, z } from '@hono/zod-openapi';
import { and, eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { conversations } from '@switchboard/db';
import type { AppDeps, AppEnv } from '../../context';
import { mediaLinks, presentAttachment } from '../../media/attachment-view';
import { DEFAULT_MAX_BYTES, MediaRefused } from '../../media/limits';
import { attachmentOf, saveMedia } from '../../media/media-files';
import { ApiError, badRequest, notFound } from '../errors';
import { readRawBody } from '../node-request';
import { cookieAuth, errors, IdParam, json } from '../openapi-helpers';
import { createRouter } from '../router';

export const UploadedFile = z
  .object({
    id: z.string().uuid(),
    url: z.string().nullable(),
    contentType: z.string().nullable(),
    name: z.string().nullable(),
    size: z.number().nullable(),
    kind: z.enum(['image', 'audio', 'video', 'file']),
  })
  .openapi('UploadedFile');

export const uploadBody = {
  required: true,
  description: 'The file itself as the body, with its own Content-Type.',
  content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } },
};
export const NameQuery = z.object({ name: z.string().max(200).optional().openapi({ description: 'The file name to show' }) });

const uploadRoute = createRoute({
  method: 'post',
  path: '/{id}/attachments',
  tags: ['Inbox'],
  summary: 'Upload a file to send in this conversation',
  description: 'Answers the file; send it with `POST /api/conversations/{id}/messages {attachments: [id]}`.',
  security: cookieAuth,
  request: { params: IdParam, query: NameQuery, body: uploadBody },
  responses: { 201: json(UploadedFile), ...errors(400, 401, 404, 413, 422) },
});

/** Reads an upload's body and stores it; the limits answer 413 / 422 in the uploader's words. */
export async function storeUpload(
  deps: AppDeps,
  c: Context<AppEnv>,
  input: { workspaceId: string; conversationId: string | null; uploadedBy: string; name?: string },
) {
  const maxBytes = deps.config.mediaMaxBytes ?? DEFAULT_MAX_BYTES;
  const data = await readRawBody(c, maxBytes);
  const contentType = c.req.header('content-type') ?? '';
  if (!data.length) throw badRequest('Send the file as the request body.');
  try {
    const file = await saveMedia(deps, {
      workspaceId: input.workspaceId,
      conversationId: input.conversationId,
      data,
      contentType,
      fileName: input.name ?? null,
      uploadedBy: input.uploadedBy,
    });
    const view = presentAttachment(attachmentOf(file), mediaLinks(deps.config));
    return { id: file.id, url: view.url, contentType: view.contentType, name: view.name, size: view.size, kind: view.kind };
  } catch (err) {
    if (err instanceof MediaRefused) throw new ApiError(422, 'unsupported_media_type', err.message);
    throw err;
  }
}

/** `POST /api/conversations/:id/attachments`: an agent's file, bound to the conversation at once. */
export function mediaUploadRoutes(deps: AppDeps) {
  return createRouter().openapi(uploadRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { workspaceId, principalId } = c.var.auth;
    const [conversation] = await deps.db
      .select({ id: conversations.id })
      .from(conversations)
      .where(and(eq(conversations.id, id), eq(conversations.workspaceId, workspaceId)));
    if (!conversation) throw notFound('Conversation');
    const name = c.req.valid('query').name;
    return c.json(
      await storeUpload(deps, c, { workspaceId, conversationId: id, uploadedBy: `user:${principalId}`, ...(name && { name }) }),
      201,
    );
  });
}

/** The upload routes, which read bodies up to the media store's limit instead of the API's 1 MB. */
export const isUploadPath = (path: string) =>
  /^\/(api\/conversations|widget)\/[0-9a-f-]{36}\/attachments$/i.test(path) || path === '/api/workflows/files';
