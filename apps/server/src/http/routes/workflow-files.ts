import { createRoute } from '@hono/zod-openapi';
import type { AppDeps } from '../../context';
import { FLOW_UPLOADER } from '../../media/flow-files';
import { requireRole } from '../middleware/auth/index';
import { cookieAuth, errors, json } from '../openapi-helpers';
import { createRouter } from '../router';
import { NameQuery, storeUpload, uploadBody, UploadedFile } from './media-uploads';

const uploadRoute = createRoute({
  method: 'post',
  path: '/files',
  tags: ['Workflows'],
  summary: "Upload a file for flows to send (the send step's attachments)",
  description:
    "Answers the file; put `media:{id}` in a send step's `attachments` and each run sends this stored file. The file belongs to the workspace, not to a conversation.",
  security: cookieAuth,
  request: { query: NameQuery, body: uploadBody },
  responses: { 201: json(UploadedFile), ...errors(400, 401, 403, 413, 422) },
});

/** `POST /api/workflows/files`: building flows is for admins and owners, so is uploading their files. */
export function workflowFileRoutes(deps: AppDeps) {
  const router = createRouter();
  router.use('/files', requireRole('admin'));
  return router.openapi(uploadRoute, async (c) => {
    const { workspaceId, principalId } = c.var.auth;
    const name = c.req.valid('query').name;
    const file = await storeUpload(deps, c, {
      workspaceId,
      conversationId: null,
      uploadedBy: `${FLOW_UPLOADER}user:${principalId}`,
      ...(name && { name }),
    });
    return c.json(file, 201);
  });
}
