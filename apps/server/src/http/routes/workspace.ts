import { createRoute, z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { workspaces } from '@switchboard/db';
import { isTimeZone } from '@switchboard/flow';
import type { AppDeps } from '../../context';
import { audit } from '../../services/audit';
import { applyAiSettings } from '../../services/ai-settings';
import { mergeCrmSettings } from '../../crm/settings';
import { loadAiKey } from '../../services/ai-status';
import { applySetupPatch, SetupPatch } from '../../services/setup-guide';
import { badRequest, notFound } from '../errors';
import { requireRole } from '../middleware/auth/index';
import { cookieAuth, errors, json, jsonBody } from '../openapi-helpers';
import { createRouter } from '../router';
import { loadMe, Me, presentWorkspace, Workspace } from './me-schema';

const Time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use 24-hour HH:MM, like 09:00');
const Day = z.array(z.tuple([Time, Time])).max(6);

const WorkspacePatch = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    timezone: z.string().max(64).refine(isTimeZone, 'Unknown time zone; use an IANA name like Europe/London').optional(),
    businessHours: z.object({ mon: Day, tue: Day, wed: Day, thu: Day, fri: Day, sat: Day, sun: Day }).partial().strict().optional(),
    holidays: z
      .array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Use YYYY-MM-DD'))
      .max(366)
      .optional(),
    settings: z
      .object({
        httpAllowHosts: z.array(z.string().trim().min(1).max(253)).max(50).optional(),
        expectedReplyMinutes: z.number().int().min(1).max(10_080).optional(),
        /** Messages older than this many days are deleted by the daily retention sweep; null keeps them forever. */
        retentionDays: z.number().int().min(1).max(3650).nullable().optional(),
        ai: z
          .object({ baseUrl: z.string().url().optional(), model: z.string().max(100).optional(), apiKey: z.string().max(500).optional() })
          .optional(),
        /** The setup guide: closing it, and the first look at a conversation in the inbox. */
        setup: SetupPatch.optional(),
        /** When no flow answers and no person has replied: send the reply-time message (once per conversation), in these words (null: the default from the reply time). */
        unanswered: z
          .object({ enabled: z.boolean().optional(), text: z.string().trim().max(1000).nullable().optional() })
          .strict()
          .optional(),
        /** Words (beside STOP and START) that opt a contact out of, or back into, SMS and WhatsApp messages. */
        consent: z
          .object({
            stopWords: z.array(z.string().trim().min(1).max(40)).max(20),
            startWords: z.array(z.string().trim().min(1).max(40)).max(20),
          })
          .partial()
          .strict()
          .optional(),
        /** Push each conversation's whole transcript to the CRM (HubSpot, and/or the signed webhook) when it is resolved. */
        crm: z
          .object({
            logTranscriptOnResolve: z.boolean().optional(),
            webhookUrl: z
              .string()
              .url()
              .max(2000)
              .refine((u) => /^https?:\/\//i.test(u), 'Use an address that starts with https:// or http://')
              .nullable()
              .optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .openapi('WorkspacePatch');

const getRoute = createRoute({
  method: 'get',
  path: '/',
  tags: ['Workspace'],
  summary: 'The current workspace',
  security: cookieAuth,
  responses: { 200: json(Workspace), ...errors(401) },
});

const patchRoute = createRoute({
  method: 'patch',
  path: '/',
  tags: ['Workspace'],
  summary: 'Rename, set time zone, business hours, holidays and settings (admin)',
  security: cookieAuth,
  request: jsonBody(WorkspacePatch),
  responses: { 200: json(Workspace), ...errors(400, 401, 403) },
});

const meRoute = createRoute({
  method: 'get',
  path: '/',
  tags: ['Auth'],
  summary: 'Who am I: user, role and workspace',
  security: cookieAuth,
  responses: { 200: json(Me), ...errors(401) },
});

export function meRoutes(deps: AppDeps) {
  return createRouter().openapi(meRoute, async (c) => {
    const { userId, workspaceId, role } = c.var.auth;
    const me = await loadMe(deps.db, userId, workspaceId);
    return c.json({ ...me, role }, 200);
  });
}

export function workspaceRoutes(deps: AppDeps) {
  const { db, config } = deps;
  const router = createRouter();
  router.use('/', async (c, next) => (c.req.method === 'PATCH' ? requireRole('admin')(c, next) : next()));
  return router
    .openapi(getRoute, async (c) => {
      const [row] = await db.select().from(workspaces).where(eq(workspaces.id, c.var.auth.workspaceId));
      if (!row) throw notFound('Workspace');
      return c.json(presentWorkspace(row, await loadAiKey(db, row.id)), 200);
    })
    .openapi(patchRoute, async (c) => {
      const patch = c.req.valid('json');
      const { workspaceId } = c.var.auth;
      const updated = await db.transaction(async (tx) => {
        const [current] = await tx.select().from(workspaces).where(eq(workspaces.id, workspaceId)).for('update');
        if (!current) throw notFound('Workspace');
        const settings = { ...current.settings };
        if (patch.settings?.httpAllowHosts) settings.httpAllowHosts = patch.settings.httpAllowHosts;
        if (patch.settings?.expectedReplyMinutes) settings.expectedReplyMinutes = patch.settings.expectedReplyMinutes;
        if (patch.settings?.retentionDays === null) delete settings.retentionDays;
        else if (patch.settings?.retentionDays) settings.retentionDays = patch.settings.retentionDays;
        if (patch.settings?.setup) settings.setup = applySetupPatch(settings.setup, patch.settings.setup);
        if (patch.settings?.unanswered)
          settings.unanswered = { ...(settings.unanswered as object | undefined), ...patch.settings.unanswered };
        if (patch.settings?.consent) settings.consent = { ...(settings.consent as object | undefined), ...patch.settings.consent };
        if (patch.settings?.crm) settings.crm = mergeCrmSettings(settings.crm, patch.settings.crm);
        if (patch.settings?.ai) {
          settings.ai = (await applyAiSettings(tx, config.appSecret, c.var.auth, settings.ai, patch.settings.ai)).ai;
        }
        const [row] = await tx
          .update(workspaces)
          .set({
            ...(patch.name ? { name: patch.name } : {}),
            ...(patch.timezone ? { timezone: patch.timezone } : {}),
            ...(patch.businessHours ? { businessHours: patch.businessHours } : {}),
            ...(patch.holidays ? { holidays: patch.holidays } : {}),
            settings,
            updatedAt: new Date(),
          })
          .where(eq(workspaces.id, workspaceId))
          .returning();
        await audit(
          tx,
          c.var.auth,
          'workspace.updated',
          { type: 'workspace', id: workspaceId },
          {
            fields: [
              ...Object.keys(patch).filter((k) => k !== 'settings'),
              ...Object.keys(patch.settings ?? {}).map((k) => `settings.${k}`),
            ],
          },
        );
        return row;
      });
      if (!updated) throw badRequest('Nothing to update');
      return c.json(presentWorkspace(updated, await loadAiKey(db, updated.id)), 200);
    });
}
