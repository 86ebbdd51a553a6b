import { z } from '@hono/zod-openapi';
import { and, eq } from 'drizzle-orm';
import { memberships, users, workspaces, type Database } from '@switchboard/db';
import { loadAiKey, testedOkAt, type AiKey } from '../../services/ai-status';
import { notFound } from '../errors';

export const Workspace = z
  .object({
    id: z.string().uuid(),
    name: z.string(),
    timezone: z.string(),
    businessHours: z.record(z.string(), z.array(z.tuple([z.string(), z.string()]))),
    holidays: z.array(z.string()),
    settings: z.record(z.string(), z.unknown()),
  })
  .openapi('Workspace');

export const Me = z
  .object({
    user: z.object({ id: z.string().uuid(), email: z.string(), name: z.string() }).nullable(),
    role: z.enum(['owner', 'admin', 'agent']),
    workspace: Workspace,
    workspaces: z.array(z.object({ id: z.string().uuid(), name: z.string(), role: z.string() })),
  })
  .openapi('Me');
export type Me = z.infer<typeof Me>;

type WorkspaceRow = typeof workspaces.$inferSelect;

/**
 * The public view of a workspace: settings minus secrets. `settings.ai` says whether an AI key is
 * saved (`apiKeySet`, never the key) and, while the AI is connected, when its last test passed.
 */
export function presentWorkspace(row: WorkspaceRow, aiKey: AiKey): z.infer<typeof Workspace> {
  const { ai, ...settings } = row.settings;
  return {
    id: row.id,
    name: row.name,
    timezone: row.timezone,
    businessHours: row.businessHours as Record<string, [string, string][]>,
    holidays: row.holidays,
    settings: {
      ...settings,
      ai:
        ai || aiKey ? { baseUrl: ai?.baseUrl, model: ai?.model, apiKeySet: Boolean(aiKey), testedOkAt: testedOkAt(ai, aiKey) } : undefined,
    },
  };
}

export async function loadMe(db: Database, userId: string | null, workspaceId: string): Promise<Me> {
  const [workspace] = await db.select().from(workspaces).where(eq(workspaces.id, workspaceId)).limit(1);
  if (!workspace) throw notFound('Workspace');
  const presented = presentWorkspace(workspace, await loadAiKey(db, workspaceId));
  if (!userId) return { user: null, role: 'admin', workspace: presented, workspaces: [] };
  const [user] = await db.select({ id: users.id, email: users.email, name: users.name }).from(users).where(eq(users.id, userId)).limit(1);
  const all = await db
    .select({ id: workspaces.id, name: workspaces.name, role: memberships.role })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(eq(memberships.userId, userId));
  const [membership] = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.workspaceId, workspaceId)));
  if (!user || !membership) throw notFound('Membership');
  return { user, role: membership.role, workspace: presented, workspaces: all };
}
