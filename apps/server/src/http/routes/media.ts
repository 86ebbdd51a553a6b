import { createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../../context';
import { isPreviewable } from '../../media/limits';
import { findMedia } from '../../media/media-files';
import { verifyMediaSignature } from '../../media/signed-url';
import { mediaStoreFor } from '../../media/store';
import { notFound } from '../errors';
import { createRouter } from '../router';

const fileRoute = createRoute({
  method: 'get',
  path: '/{id}/{name}',
  tags: ['Media'],
  summary: 'A stored file, through a signed and expiring link',
  description:
    "Links come signed in messages (for the workspace's agents and the widget visitor of the conversation) and in outbound sends (for the provider). Without a valid signature, or once expired, the answer is 404.",
  request: {
    params: z.object({
      id: z.string().openapi({ param: { name: 'id', in: 'path' } }),
      name: z.string().openapi({ param: { name: 'name', in: 'path' } }),
    }),
    query: z.object({ expires: z.string().optional(), sig: z.string().optional() }),
  },
  responses: {
    200: { description: 'The file', content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } } },
    404: { description: 'No such file, or the link is not valid' },
  },
});

/** `GET /media/:id/:name`: anyone holding a link this server signed, until it expires. */
export function mediaRoutes(deps: AppDeps) {
  return createRouter().openapi(fileRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { expires, sig } = c.req.valid('query');
    // One answer for unknown, unsigned, altered and expired: a link tells nothing about the file.
    if (!/^[0-9a-f-]{36}$/i.test(id) || !verifyMediaSignature(deps.config.appSecret, id, expires, sig)) throw notFound('File');
    const file = await findMedia(deps.db, id);
    const object = file && (await mediaStoreFor(deps.config).get(file.storageKey));
    if (!file || !object) throw notFound('File');
    const inline = isPreviewable(file.contentType) || file.contentType === 'application/pdf';
    const name = (file.fileName ?? 'file').replace(/[^\x20-\x7e]/g, '_');
    return c.body(new Uint8Array(object.data), 200, {
      'Content-Type': file.contentType,
      'Content-Length': String(object.data.length),
      'Content-Disposition': `${inline ? 'inline' : 'attachment'}; filename="${name}"; filename*=UTF-8''${encodeURIComponent(file.fileName ?? 'file')}`,
      'X-Content-Type-Options': 'nosniff',
      // A stored file never runs as a page of this origin, whatever it holds.
      'Content-Security-Policy': "sandbox; default-src 'none'",
      // The widget shows files on other sites' pages.
      'Cross-Origin-Resource-Policy': 'cross-origin',
      'Cache-Control': 'private, max-age=3600',
    }) as never;
  });
}
