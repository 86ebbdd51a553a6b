import { createRoute, z } from '@hono/zod-openapi';
import { and, desc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import { contactEvents, contacts, type Executor } from '@switchboard/db';
import type { AppDeps, AuthContext } from '../../context';
import { enqueueTagAdded } from '../../flows/tag-events';
import { normalizePhone, phoneHint } from '../../inbox/contact-keys';
import { audit } from '../../services/audit';
import { ApiError, badRequest, notFound } from '../errors';
import { cookieAuth, errors, IdParam, json, jsonBody } from '../openapi-helpers';
import { createRouter } from '../router';
import { decodeCursor, encodeCursor } from './inbox-schemas';

const Contact = z
  .object({
    id: z.string().uuid(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    attributes: z.record(z.string(), z.unknown()),
    tags: z.array(z.string()),
    createdAt: z.string(),
  })
  .openapi('Contact');
const ContactEvent = z
  .object({ id: z.string().uuid(), kind: z.string(), data: z.record(z.string(), z.unknown()), actor: z.string(), createdAt: z.string() })
  .openapi('ContactEvent');

const Tag = z.string().trim().min(1).max(50);
const ContactInput = z
  .object({
    name: z.string().trim().max(200).nullable().optional(),
    email: z.string().trim().toLowerCase().email().max(320).nullable().optional(),
    phone: z
      .string()
      .trim()
      .max(40)
      .nullable()
      .optional()
      .openapi({ description: 'Stored in E.164; a number without its country code needs `phoneCountry`' }),
    phoneCountry: z
      .string()
      .regex(/^[A-Za-z]{2}$/, 'an ISO 3166 country code such as GB')
      .optional(),
    attributes: z.record(z.string().max(100), z.unknown()).optional(),
    tags: z.array(Tag).max(100).optional(),
  })
  .strict();

const tags = ['Contacts'];
const listRoute = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary: 'Contacts, newest first; search by name, email or phone; filter by tag',
  security: cookieAuth,
  request: {
    query: z.object({
      q: z.string().max(200).optional(),
      tag: z.string().max(50).optional(),
      cursor: z.string().optional(),
      limit: z.coerce.number().int().min(1).max(100).default(50),
    }),
  },
  responses: { 200: json(z.object({ contacts: z.array(Contact), nextCursor: z.string().nullable() })), ...errors(400, 401) },
});
const createContactRoute = createRoute({
  method: 'post',
  path: '/',
  tags,
  summary: 'Add a contact',
  security: cookieAuth,
  request: jsonBody(ContactInput.openapi('ContactInput')),
  responses: { 201: json(Contact), ...errors(400, 401) },
});
const getRoute = createRoute({
  method: 'get',
  path: '/{id}',
  tags,
  summary: 'One contact',
  security: cookieAuth,
  request: { params: IdParam },
  responses: { 200: json(Contact), ...errors(401, 404) },
});
const patchRoute = createRoute({
  method: 'patch',
  path: '/{id}',
  tags,
  summary: 'Change fields, attributes (merged; null removes) or tags (replaced); every change lands on the timeline',
  security: cookieAuth,
  request: { params: IdParam, ...jsonBody(ContactInput) },
  responses: { 200: json(Contact), ...errors(400, 401, 404) },
});
const deleteRoute = createRoute({
  method: 'delete',
  path: '/{id}',
  tags,
  summary: 'Delete a contact (soft)',
  security: cookieAuth,
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...errors(401, 404) },
});
const eventsRoute = createRoute({
  method: 'get',
  path: '/{id}/events',
  tags,
  summary: 'The contact timeline, newest first',
  security: cookieAuth,
  request: { params: IdParam },
  responses: { 200: json(z.object({ events: z.array(ContactEvent) })), ...errors(401, 404) },
});
const noteRoute = createRoute({
  method: 'post',
  path: '/{id}/notes',
  tags,
  summary: 'Add a note to the timeline',
  security: cookieAuth,
  request: { params: IdParam, ...jsonBody(z.object({ text: z.string().trim().min(1).max(10_000) })) },
  responses: { 201: json(ContactEvent), ...errors(400, 401, 404) },
});

type Row = typeof contacts.$inferSelect;
const present = (row: Row) => ({
  id: row.id,
  name: row.name,
  email: row.email,
  phone: row.phone,
  attributes: row.attributes,
  tags: row.tags,
  createdAt: row.createdAt.toISOString(),
});
const presentEvent = (row: typeof contactEvents.$inferSelect) => ({
  id: row.id,
  kind: row.kind,
  data: row.data,
  actor: row.actor,
  createdAt: row.createdAt.toISOString(),
});

/** Who did it, as the timeline shows it: `user:<id>`, `api_key:<id>`, or `system`/`bot` for automation. */
export const actorOf = (auth: Pick<AuthContext, 'userId' | 'apiKeyId'>) =>
  auth.userId ? `user:${auth.userId}` : auth.apiKeyId ? `api_key:${auth.apiKeyId}` : 'system';

const uniqueTags = (list: string[]) => [...new Set(list.map((t) => t.trim()).filter(Boolean))];

/** The phone as selectors match it (E.164); a 400 naming `phone` when it cannot be read. */
function phoneOf(body: { phone?: string | null | undefined; phoneCountry?: string | undefined }): string | null | undefined {
  if (!body.phone) return body.phone === '' ? null : body.phone;
  const phone = normalizePhone(body.phone, body.phoneCountry);
  if (!phone)
    throw new ApiError(400, 'validation_failed', `phone: ${phoneHint(body.phoneCountry)}`, [
      { field: 'phone', message: phoneHint(body.phoneCountry) },
    ]);
  return phone;
}

/** Timeline entries for what a change did: one per field, attribute and tag. */
export function changeEvents(before: Row, after: Row): { kind: string; data: Record<string, unknown> }[] {
  const out: { kind: string; data: Record<string, unknown> }[] = [];
  for (const field of ['name', 'email', 'phone'] as const) {
    if (before[field] !== after[field]) out.push({ kind: 'field_changed', data: { field, old: before[field], new: after[field] } });
  }
  const keys = new Set([...Object.keys(before.attributes), ...Object.keys(after.attributes)]);
  for (const key of keys) {
    const old = before.attributes[key];
    const next = after.attributes[key];
    if (JSON.stringify(old) !== JSON.stringify(next))
      out.push({ kind: 'field_changed', data: { field: `attributes.${key}`, old: old ?? null, new: next ?? null } });
  }
  for (const tag of after.tags) if (!before.tags.includes(tag)) out.push({ kind: 'tag_added', data: { tag } });
  for (const tag of before.tags) if (!after.tags.includes(tag)) out.push({ kind: 'tag_removed', data: { tag } });
  return out;
}

async function loadContact(db: Executor, workspaceId: string, id: string, lock = false) {
  const query = db
    .select()
    .from(contacts)
    .where(and(eq(contacts.id, id), eq(contacts.workspaceId, workspaceId), isNull(contacts.deletedAt)));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw notFound('Contact');
  return row;
}

export function contactRoutes(deps: AppDeps) {
  const { db } = deps;
  return createRouter()
    .openapi(listRoute, async (c) => {
      const q = c.req.valid('query');
      const where: SQL[] = [eq(contacts.workspaceId, c.var.auth.workspaceId), isNull(contacts.deletedAt)];
      if (q.q) {
        const like = `%${q.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
        where.push(sql`(${contacts.name} ilike ${like} or ${contacts.email} ilike ${like} or ${contacts.phone} ilike ${like})`);
      }
      if (q.tag) where.push(sql`${q.tag} = any(${contacts.tags})`);
      if (q.cursor) {
        const cursor = decodeCursor(q.cursor);
        if (!cursor) throw badRequest('Invalid cursor');
        where.push(sql`(${contacts.createdAt}, ${contacts.id}) < (${cursor[0]}::timestamptz, ${cursor[1]}::uuid)`);
      }
      const rows = await db
        .select({ contact: contacts, sortKey: sql<string>`${contacts.createdAt}::text` })
        .from(contacts)
        .where(and(...where))
        .orderBy(desc(contacts.createdAt), desc(contacts.id))
        .limit(q.limit + 1);
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return c.json(
        {
          contacts: page.map((r) => present(r.contact)),
          nextCursor: rows.length > q.limit && last ? encodeCursor(last.sortKey, last.contact.id) : null,
        },
        200,
      );
    })
    .openapi(createContactRoute, async (c) => {
      const body = c.req.valid('json');
      const phone = phoneOf(body);
      const row = await db.transaction(async (tx) => {
        const [created] = await tx
          .insert(contacts)
          .values({
            workspaceId: c.var.auth.workspaceId,
            name: body.name ?? null,
            email: body.email ?? null,
            phone: phone ?? null,
            attributes: body.attributes ?? {},
            tags: uniqueTags(body.tags ?? []),
          })
          .returning();
        await tx
          .insert(contactEvents)
          .values({ workspaceId: c.var.auth.workspaceId, contactId: created!.id, kind: 'created', data: {}, actor: actorOf(c.var.auth) });
        await audit(tx, c.var.auth, 'contact.created', { type: 'contact', id: created!.id });
        return created!;
      });
      return c.json(present(row), 201);
    })
    .openapi(getRoute, async (c) => c.json(present(await loadContact(db, c.var.auth.workspaceId, c.req.valid('param').id)), 200))
    .openapi(patchRoute, async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const phone = phoneOf(body);
      const { workspaceId } = c.var.auth;
      const row = await db.transaction(async (tx) => {
        const before = await loadContact(tx, workspaceId, id, true);
        const attributes = { ...before.attributes };
        for (const [key, value] of Object.entries(body.attributes ?? {})) {
          if (value === null) delete attributes[key];
          else attributes[key] = value;
        }
        const [after] = await tx
          .update(contacts)
          .set({
            ...(body.name !== undefined && { name: body.name }),
            ...(body.email !== undefined && { email: body.email }),
            ...(phone !== undefined && { phone }),
            attributes,
            ...(body.tags !== undefined && { tags: uniqueTags(body.tags) }),
            updatedAt: new Date(),
          })
          .where(eq(contacts.id, id))
          .returning();
        const events = changeEvents(before, after!);
        if (events.length) {
          await tx
            .insert(contactEvents)
            .values(events.map((e) => ({ workspaceId, contactId: id, kind: e.kind, data: e.data, actor: actorOf(c.var.auth) })));
          // The timeline holds the values; the audit log only who touched which fields.
          await audit(
            tx,
            c.var.auth,
            'contact.updated',
            { type: 'contact', id },
            { fields: [...new Set(events.map((e) => String(e.data.field ?? e.kind)))] },
          );
        }
        // A person tagging a contact starts the flows whose trigger is "tag added".
        const added = after!.tags.filter((t) => !before.tags.includes(t));
        await enqueueTagAdded(tx, { workspaceId, contactId: id, tags: added });
        return after!;
      });
      return c.json(present(row), 200);
    })
    .openapi(deleteRoute, async (c) => {
      const { id } = c.req.valid('param');
      const { workspaceId } = c.var.auth;
      await loadContact(db, workspaceId, id);
      await db.transaction(async (tx) => {
        await tx
          .update(contacts)
          .set({ deletedAt: new Date(), updatedAt: new Date() })
          .where(and(eq(contacts.id, id), eq(contacts.workspaceId, workspaceId)));
        await audit(tx, c.var.auth, 'contact.deleted', { type: 'contact', id });
      });
      return c.body(null, 204);
    })
    .openapi(eventsRoute, async (c) => {
      const { id } = c.req.valid('param');
      const { workspaceId } = c.var.auth;
      await loadContact(db, workspaceId, id);
      const rows = await db
        .select()
        .from(contactEvents)
        .where(and(eq(contactEvents.contactId, id), eq(contactEvents.workspaceId, workspaceId)))
        .orderBy(desc(contactEvents.createdAt), desc(contactEvents.id))
        .limit(500);
      return c.json({ events: rows.map(presentEvent) }, 200);
    })
    .openapi(noteRoute, async (c) => {
      const { id } = c.req.valid('param');
      const { workspaceId } = c.var.auth;
      await loadContact(db, workspaceId, id);
      const [row] = await db
        .insert(contactEvents)
        .values({ workspaceId, contactId: id, kind: 'note', data: { text: c.req.valid('json').text }, actor: actorOf(c.var.auth) })
        .returning();
      return c.json(presentEvent(row!), 201);
    });
}
