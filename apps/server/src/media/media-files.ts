import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { mediaFiles, type Attachment, type Executor } from '@switchboard/db';
import type { Config } from '../config';
import { bareType, checkMedia, DEFAULT_MAX_BYTES } from './limits';
import { mediaStoreFor } from './store';

type MediaDeps = { db: Executor; config: Pick<Config, 'dataDir' | 'mediaS3' | 'mediaMaxBytes'> };
export type MediaFile = typeof mediaFiles.$inferSelect;

export interface NewMedia {
  workspaceId: string;
  conversationId: string | null;
  data: Buffer;
  contentType: string;
  fileName?: string | null;
  uploadedBy?: string | null;
}

/** A file name as a person gave it, without a path and with nothing a header could not carry. */
export function cleanFileName(name: string | null | undefined): string | null {
  const base = (name ?? '')
    .split(/[\\/]/)
    .pop()!
    .replace(/[\u0000-\u001f\u007f"]/g, '')
    .trim();
  return base ? Array.from(base).slice(0, 120).join('') : null;
}

/** Checks the limits (MediaRefused), writes the bytes, then records the file. */
export async function saveMedia(deps: MediaDeps, input: NewMedia): Promise<MediaFile> {
  const contentType = bareType(input.contentType);
  checkMedia(input.data.length, contentType, deps.config.mediaMaxBytes ?? DEFAULT_MAX_BYTES);
  const id = randomUUID();
  const storageKey = `${input.workspaceId}/${id}`;
  await mediaStoreFor(deps.config).put(storageKey, input.data, contentType);
  const [row] = await deps.db
    .insert(mediaFiles)
    .values({
      id,
      workspaceId: input.workspaceId,
      conversationId: input.conversationId,
      storageKey,
      contentType,
      fileName: cleanFileName(input.fileName),
      size: input.data.length,
      uploadedBy: input.uploadedBy ?? null,
    })
    .returning();
  return row!;
}

export async function findMedia(db: Executor, id: string, workspaceId?: string): Promise<MediaFile | null> {
  const [row] = await db
    .select()
    .from(mediaFiles)
    .where(workspaceId ? and(eq(mediaFiles.id, id), eq(mediaFiles.workspaceId, workspaceId)) : eq(mediaFiles.id, id));
  return row ?? null;
}

/** The attachment a message stores for a file of the media store. */
export function attachmentOf(file: MediaFile, source?: string): Attachment {
  return {
    url: source ?? `media:${file.id}`,
    mediaId: file.id,
    contentType: file.contentType,
    size: file.size,
    ...(file.fileName && { name: file.fileName }),
  };
}

/**
 * Deletes the files of these conversations from the store, then their rows. Called before the
 * conversations themselves are deleted (erasure, retention): the rows would go by cascade, but
 * the bytes would stay behind.
 */
export async function deleteConversationMedia(deps: MediaDeps, workspaceId: string, conversationIds: string[]): Promise<number> {
  if (!conversationIds.length) return 0;
  const rows = await deps.db
    .select({ id: mediaFiles.id, storageKey: mediaFiles.storageKey })
    .from(mediaFiles)
    .where(and(eq(mediaFiles.workspaceId, workspaceId), inArray(mediaFiles.conversationId, conversationIds)));
  const store = mediaStoreFor(deps.config);
  for (const row of rows) await store.delete(row.storageKey);
  if (rows.length)
    await deps.db.delete(mediaFiles).where(
      inArray(
        mediaFiles.id,
        rows.map((r) => r.id),
      ),
    );
  return rows.length;
}
