/**
 * Stored files go with what held them. Erasure and the retention sweep delete conversations and
 * messages in the database; the bytes in the media store are deleted here, since no cascade
 * reaches them.
 */
import { and, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { FLOW_UPLOADER } from './flow-files';
import { conversations, mediaFiles, workspaces, type Executor } from '@switchboard/db';
import type { Config } from '../config';
import { mediaStoreFor } from './store';

type StoreConfig = Pick<Config, 'dataDir' | 'mediaS3'>;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The storage keys of a contact's files (read in erasure's transaction, before the cascade). */
export async function contactMediaKeys(tx: Executor, workspaceId: string, contactId: string): Promise<string[]> {
  const threads = tx
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.contactId, contactId), eq(conversations.workspaceId, workspaceId)));
  const rows = await tx
    .select({ key: mediaFiles.storageKey })
    .from(mediaFiles)
    .where(
      and(
        eq(mediaFiles.workspaceId, workspaceId),
        or(inArray(mediaFiles.conversationId, threads), eq(mediaFiles.uploadedBy, `contact:${contactId}`)),
      ),
    );
  return rows.map((r) => r.key);
}

/** Deletes the bytes (after the rows are gone: a file with no row is never served). */
export async function deleteStoredFiles(config: StoreConfig, keys: string[]): Promise<void> {
  const store = mediaStoreFor(config);
  for (const key of keys) await store.delete(key);
}

/**
 * For every workspace with `retentionDays`, the files older than that; for every workspace,
 * uploads no message took within a day. Returns how many files were deleted.
 */
export async function sweepMediaRetention(deps: { db: Executor; config: StoreConfig }, now = new Date()): Promise<number> {
  const due = await deps.db
    .select({ id: workspaces.id, days: sql<number>`(${workspaces.settings}->>'retentionDays')::int` })
    .from(workspaces)
    .where(sql`jsonb_typeof(${workspaces.settings}->'retentionDays') = 'number'`);
  let deleted = 0;
  const sweep = async (where: ReturnType<typeof and>) => {
    const rows = await deps.db.delete(mediaFiles).where(where).returning({ key: mediaFiles.storageKey });
    await deleteStoredFiles(
      deps.config,
      rows.map((r) => r.key),
    );
    deleted += rows.length;
  };
  for (const workspace of due) {
    if (!Number.isInteger(workspace.days) || workspace.days < 1) continue;
    await sweep(and(eq(mediaFiles.workspaceId, workspace.id), lt(mediaFiles.createdAt, new Date(now.getTime() - workspace.days * DAY_MS))));
  }
  // A flow's own files are never taken by a message, and stay while the flow sends them.
  await sweep(
    and(
      isNull(mediaFiles.conversationId),
      lt(mediaFiles.createdAt, new Date(now.getTime() - DAY_MS)),
      sql`coalesce(${mediaFiles.uploadedBy}, '') not like ${`${FLOW_UPLOADER}%`}`,
    ),
  );
  return deleted;
}
