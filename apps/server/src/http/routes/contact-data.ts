import { createRoute, z } from '@hono/zod-openapi';
import { and, eq, isNull } from 'drizzle-orm';
import { contacts } from '@switchboard/db';
import type { AppDeps } from '../../context';
import { exportContact } from '../../inbox/contact-export';
import { eraseContact } from '../../inbox/erasure';
import { contactMediaKeys, deleteStoredFiles } from '../../media/retention';
import { audit } from '../../services/audit';
import { ApiError, notFound } from '../errors';
import { requireRole } from '../middleware/auth/index';
import { cookieAuth, errors, IdParam, json, jsonBody } from '../openapi-helpers';
import { createRouter } from '../router';

const tags = ['Contacts'];

const exportRoute = createRoute({
  method: 'get',
  path: '/{id}/export',
  tags,
  summary: 'Download everything held about a contact as one JSON file (admin; audited)',
  security: cookieAuth,
  request: { params: IdParam },
  responses: {
    200: json(z.record(z.string(), z.unknown()), 'The contact, identities, conversations with messages, and timeline'),
    ...errors(401, 403, 404),
  },
});

const ErasureResult = z
  .object({
    erased: z.literal(true),
    contactId: z.string().uuid(),
    removed: z.object({
      conversations: z.number(),
      messages: z.number(),
      identities: z.number(),
      events: z.number(),
      runsCancelled: z.number(),
    }),
  })
  .openapi('ContactErasure');

const eraseRoute = createRoute({
  method: 'post',
  path: '/{id}/erase',
  tags,
  summary:
    'Erase a contact: messages, attachments, identities and timeline removed, fields cleared, runs cancelled (admin; audited; cannot be undone)',
  security: cookieAuth,
  request: {
    params: IdParam,
    ...jsonBody(
      z
        .object({ confirm: z.string().trim().min(1).max(200).openapi({ description: "The contact's id, or its name when it has one" }) })
        .strict()
        .openapi('ContactErasureRequest'),
    ),
  },
  responses: { 200: json(ErasureResult), ...errors(400, 401, 403, 404) },
});

/** Which fields an erasure clears, for the audit log (names only, as every audit entry). */
const ERASED_FIELDS = ['name', 'email', 'phone', 'attributes', 'tags', 'identities', 'conversations', 'messages', 'events'];

/** Data-protection routes of a contact: export (access) and erasure. Admins only. */
export function contactDataRoutes(deps: AppDeps) {
  const { db } = deps;
  const router = createRouter();
  router.use('/:id/export', requireRole('admin'));
  router.use('/:id/erase', requireRole('admin'));
  return router
    .openapi(exportRoute, async (c) => {
      const { id } = c.req.valid('param');
      const { workspaceId } = c.var.auth;
      const file = await exportContact(db, workspaceId, id);
      if (!file) throw notFound('Contact');
      await audit(db, c.var.auth, 'contact.exported', { type: 'contact', id });
      c.header('Content-Disposition', `attachment; filename="contact-${id}.json"`);
      // Personal data: no shared cache or browser cache keeps a copy.
      c.header('Cache-Control', 'no-store');
      return c.json(file, 200);
    })
    .openapi(eraseRoute, async (c) => {
      const { id } = c.req.valid('param');
      const { confirm } = c.req.valid('json');
      const { workspaceId } = c.var.auth;
      const [contact] = await db
        .select({ name: contacts.name })
        .from(contacts)
        .where(and(eq(contacts.id, id), eq(contacts.workspaceId, workspaceId), isNull(contacts.erasedAt)));
      if (!contact) throw notFound('Contact');
      if (confirm !== id && (!contact.name || confirm !== contact.name.trim())) {
        throw new ApiError(400, 'validation_failed', "confirm: type the contact's name (or its id) to erase it", [
          { field: 'confirm', message: "Does not match the contact's name or id" },
        ]);
      }
      let files: string[] = [];
      const removed = await db.transaction(async (tx) => {
        files = await contactMediaKeys(tx, workspaceId, id);
        const result = await eraseContact(tx, workspaceId, id);
        if (!result) throw notFound('Contact');
        await audit(tx, c.var.auth, 'contact.erased', { type: 'contact', id }, { fields: ERASED_FIELDS });
        return result;
      });
      // The rows went with the conversations; the files they named go once that has committed.
      await deleteStoredFiles(deps.config, files);
      return c.json({ erased: true as const, contactId: id, removed }, 200);
    });
}
