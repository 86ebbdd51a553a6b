import { and, eq, inArray, isNull } from 'drizzle-orm';
import { mediaFiles, type Attachment, type Executor } from '@switchboard/db';
import { attachmentOf, type MediaFile } from './media-files';

/** How an upload waiting to be attached is named in a message: `upload:<media id>`. */
export const UPLOAD_REF = 'upload:';

/**
 * Gives uploads to a conversation, for those their uploader (`user:<id>` / `contact:<id>`, or
 * any member of the workspace when `uploader` is null) made and no message holds yet. Answers the
 * files found, in the order asked; an id that is someone else's, taken or unknown is left out.
 */
export async function claimUploads(
  db: Executor,
  workspaceId: string,
  conversationId: string,
  ids: string[],
  uploader: string | null,
): Promise<MediaFile[]> {
  const wanted = ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  if (!wanted.length) return [];
  const rows = await db
    .update(mediaFiles)
    .set({ conversationId })
    .where(
      and(
        eq(mediaFiles.workspaceId, workspaceId),
        inArray(mediaFiles.id, wanted),
        isNull(mediaFiles.conversationId),
        ...(uploader ? [eq(mediaFiles.uploadedBy, uploader)] : []),
      ),
    )
    .returning();
  // Already given to this conversation (the upload route binds agents' files at once).
  const bound = await db
    .select()
    .from(mediaFiles)
    .where(
      and(
        eq(mediaFiles.workspaceId, workspaceId),
        inArray(mediaFiles.id, wanted),
        eq(mediaFiles.conversationId, conversationId),
        ...(uploader ? [eq(mediaFiles.uploadedBy, uploader)] : []),
      ),
    );
  const byId = new Map([...bound, ...rows].map((row) => [row.id, row]));
  return wanted.map((id) => byId.get(id)).filter((row): row is MediaFile => row !== undefined);
}

/** The message attachments for claimed uploads. */
export const uploadAttachments = (files: MediaFile[]): Attachment[] => files.map((file) => attachmentOf(file));
