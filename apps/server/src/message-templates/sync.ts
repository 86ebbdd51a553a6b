import { and, eq, sql } from 'drizzle-orm';
import { channels, whatsappTemplates, type Database } from '@switchboard/db';
import type { AppDeps } from '../context';
import { egressFor } from '../egress';
import { adapterFor } from '../inbox/adapters';
import { toLoaded } from '../inbox/channel-store';

export class TemplateSyncProblem extends Error {}

/**
 * Replaces the channel's stored templates with the provider's list, in one transaction: a template
 * deleted at Meta disappears here too, and a status change (approved, paused) shows at once.
 * Returns how many were synced. Throws ProviderError when the provider refused.
 */
export async function syncChannelTemplates(deps: Pick<AppDeps, 'db' | 'config'>, workspaceId: string, channelId: string): Promise<number> {
  const [row] = await deps.db
    .select()
    .from(channels)
    .where(and(eq(channels.id, channelId), eq(channels.workspaceId, workspaceId)));
  if (!row || row.deletedAt) throw new TemplateSyncProblem('No such channel in this workspace');
  const adapter = adapterFor(row.type);
  if (!adapter?.syncTemplates) throw new TemplateSyncProblem(`${adapter?.label ?? row.type} has no message templates to sync`);
  const config = adapter.configSchema.safeParse(toLoaded(deps.config.appSecret, row).config);
  if (!config.success)
    throw new TemplateSyncProblem(`The channel settings are incomplete: ${config.error.issues[0]?.message ?? 'invalid'}`);
  const templates = await adapter.syncTemplates(config.data, { egress: egressFor(deps.config) });
  await deps.db.transaction(async (tx) => {
    await tx
      .delete(whatsappTemplates)
      .where(and(eq(whatsappTemplates.channelId, channelId), eq(whatsappTemplates.workspaceId, workspaceId)));
    if (templates.length === 0) return;
    await tx
      .insert(whatsappTemplates)
      .values(
        templates.map((t) => ({
          workspaceId,
          channelId,
          name: t.name,
          language: t.language,
          status: t.status,
          category: t.category ?? null,
          parameterFormat: t.namedParameters ? ('NAMED' as const) : ('POSITIONAL' as const),
          components: t.components,
        })),
      )
      .onConflictDoNothing();
  });
  return templates.length;
}

export type StoredTemplate = typeof whatsappTemplates.$inferSelect;

export async function templatesOf(db: Database, workspaceId: string, channelId: string): Promise<StoredTemplate[]> {
  return db
    .select()
    .from(whatsappTemplates)
    .where(and(eq(whatsappTemplates.workspaceId, workspaceId), eq(whatsappTemplates.channelId, channelId)))
    .orderBy(whatsappTemplates.name, whatsappTemplates.language);
}

export async function findTemplate(
  db: Database,
  workspaceId: string,
  channelId: string,
  name: string,
  language: string,
): Promise<StoredTemplate | undefined> {
  const [row] = await db
    .select()
    .from(whatsappTemplates)
    .where(
      and(
        eq(whatsappTemplates.workspaceId, workspaceId),
        eq(whatsappTemplates.channelId, channelId),
        eq(whatsappTemplates.name, name),
        sql`${whatsappTemplates.language} = ${language}`,
      ),
    );
  return row;
}
