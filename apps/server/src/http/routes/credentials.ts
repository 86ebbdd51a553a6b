import { createRoute, z, type RouteHandler } from '@hono/zod-openapi';
import { CREDENTIAL_NAME } from '@switchboard/flow';
import type { AppDeps, AppEnv } from '../../context';
import { audit } from '../../services/audit';
import {
  deleteCredential,
  findCredential,
  hostProblem,
  listCredentials,
  normalizeHosts,
  presentCredential,
  insertCredential,
  updateCredential,
} from '../../services/credentials';
import { ApiError, conflict, notFound } from '../errors';
import { requireRole } from '../middleware/auth/index';
import { cookieAuth, errors, json, jsonBody } from '../openapi-helpers';
import { createRouter } from '../router';

const tags = ['Credentials'];
const security = cookieAuth;

const Name = z.string().regex(CREDENTIAL_NAME, 'Use lower-case letters, digits and "_", starting with a letter, e.g. shop_api');
const Value = z.string().min(4, 'A secret has at least 4 characters').max(8_000);
const Hosts = z
  .array(z.string().trim().min(1).max(253))
  .min(1, 'Name at least one host this secret may be sent to')
  .max(20)
  .superRefine((hosts, ctx) => {
    for (const [i, host] of normalizeHosts(hosts).entries()) {
      const problem = hostProblem(host);
      if (problem) ctx.addIssue({ code: 'custom', path: [i], message: problem });
    }
  });

const Credential = z
  .object({ name: z.string(), hosts: z.array(z.string()), createdAt: z.string(), updatedAt: z.string() })
  .openapi('Credential', { description: 'A named secret: its value is write-only and never returned' });
const NameParam = z.object({ name: Name.openapi({ param: { name: 'name', in: 'path' } }) });

const UpdateCredential = z.object({ value: Value.optional(), hosts: Hosts.optional() }).strict().openapi('UpdateCredential');

function updateRoute(method: 'put' | 'patch') {
  return createRoute({
    method,
    path: '/{name}',
    tags,
    security,
    summary: "Replace a credential's value and/or hosts; adding a host needs the value again",
    request: { params: NameParam, ...jsonBody(UpdateCredential) },
    responses: { 200: json(Credential), ...errors(400, 401, 403, 404) },
  });
}

const routes = {
  list: createRoute({
    method: 'get',
    path: '/',
    tags,
    security,
    summary: 'List credentials (names and hosts, never values)',
    responses: { 200: json(z.object({ credentials: z.array(Credential) })), ...errors(401, 403) },
  }),
  create: createRoute({
    method: 'post',
    path: '/',
    tags,
    security,
    summary: 'Save a credential for {{ secrets.<name> }}; sent only to its hosts',
    request: jsonBody(z.object({ name: Name, value: Value, hosts: Hosts }).strict().openapi('CreateCredential')),
    responses: { 201: json(Credential), ...errors(400, 401, 403, 409) },
  }),
  update: updateRoute('put'),
  patch: updateRoute('patch'),
  remove: createRoute({
    method: 'delete',
    path: '/{name}',
    tags,
    security,
    summary: 'Delete a credential',
    request: { params: NameParam },
    responses: { 204: { description: 'Deleted' }, ...errors(401, 403, 404) },
  }),
};

export function credentialRoutes(deps: AppDeps) {
  const { db, config } = deps;
  const router = createRouter();
  router.use('*', requireRole('admin'));
  const update: RouteHandler<ReturnType<typeof updateRoute>, AppEnv> = async (c) => {
    const { name } = c.req.valid('param');
    const body = c.req.valid('json');
    const { workspaceId } = c.var.auth;
    const hosts = body.hosts ? normalizeHosts(body.hosts) : undefined;
    const row = await db.transaction(async (tx) => {
      const current = await findCredential(tx, workspaceId, name);
      if (!current) throw notFound('Credential');
      // A stored secret never goes somewhere new unless whoever sends it there knows it.
      const added = hosts?.filter((h) => !current.allowedHosts.includes(h)) ?? [];
      if (added.length && body.value === undefined) {
        throw new ApiError(400, 'validation_failed', `Enter the value again to send it to a new host (${added.join(', ')})`, {
          field: 'value',
        });
      }
      const updated = await updateCredential(tx, config.appSecret, workspaceId, name, {
        ...(body.value !== undefined ? { value: body.value } : {}),
        ...(hosts ? { hosts } : {}),
      });
      await audit(tx, c.var.auth, 'credential.updated', { type: 'credential', id: current.id }, { fields: Object.keys(body) });
      return updated!;
    });
    return c.json(presentCredential(row), 200);
  };
  return router
    .openapi(routes.update, update)
    .openapi(routes.patch, update)
    .openapi(routes.list, async (c) => {
      const rows = await listCredentials(db, c.var.auth.workspaceId);
      return c.json({ credentials: rows.map(presentCredential) }, 200);
    })
    .openapi(routes.create, async (c) => {
      const body = c.req.valid('json');
      const { workspaceId, userId } = c.var.auth;
      const row = await db.transaction(async (tx) => {
        const saved = await insertCredential(tx, config.appSecret, {
          workspaceId,
          name: body.name,
          value: body.value,
          hosts: normalizeHosts(body.hosts),
          userId,
        });
        if (!saved) throw conflict(`A credential named ${body.name} exists: replace it instead`);
        await audit(tx, c.var.auth, 'credential.created', { type: 'credential', id: saved.id }, { fields: ['name', 'value', 'hosts'] });
        return saved;
      });
      return c.json(presentCredential(row), 201);
    })
    .openapi(routes.remove, async (c) => {
      const { name } = c.req.valid('param');
      const deleted = await db.transaction(async (tx) => {
        const row = await findCredential(tx, c.var.auth.workspaceId, name);
        if (!row) return false;
        await deleteCredential(tx, c.var.auth.workspaceId, name);
        await audit(tx, c.var.auth, 'credential.deleted', { type: 'credential', id: row.id }, { fields: ['name'] });
        return true;
      });
      if (!deleted) throw notFound('Credential');
      return c.body(null, 204);
    });
}
