import { and, eq, inArray, like } from 'drizzle-orm';
import { mediaFiles, type Attachment, type Executor } from '@switchboard/db';
import { attachmentOf } from './media-files';

/**
 * A flow's own files (uploaded in the editor for a send step) are uploaded by `flow:user:<id>`:
 * they belong to the workspace rather than to a conversation, and the sweep of unclaimed
 * uploads leaves them, since a published flow keeps sending them.
 */
export const FLOW_UPLOADER = 'flow:';

/** How a send step names a flow file: the stable `media:<id>` reference. */
const FLOW_FILE_REF = /^media:([0-9a-f-]{36})$/i;

export const isFlowFileRef = (url: string) => FLOW_FILE_REF.test(url);

/** A flow file a send step names is gone (deleted, or another workspace's). */
export class MissingFlowFile extends Error {
  override name = 'MissingFlowFile';
}

/**
 * Turns a send step's `media:<id>` references into the workspace's stored files, in order; web
 * links pass as they are. A reference to a file this workspace's flows do not own fails.
 */
export async function resolveFlowFiles(db: Executor, workspaceId: string, attachments: Attachment[]): Promise<Attachment[]> {
  const ids = attachments.map((a) => FLOW_FILE_REF.exec(a.url)?.[1]).filter((id): id is string => id !== undefined);
  if (!ids.length) return attachments;
  const rows = await db
    .select()
    .from(mediaFiles)
    .where(and(eq(mediaFiles.workspaceId, workspaceId), inArray(mediaFiles.id, ids), like(mediaFiles.uploadedBy, `${FLOW_UPLOADER}%`)));
  const byId = new Map(rows.map((row) => [row.id.toLowerCase(), row]));
  return attachments.map((a) => {
    const id = FLOW_FILE_REF.exec(a.url)?.[1];
    if (id === undefined) return a;
    const file = byId.get(id.toLowerCase());
    if (!file) throw new MissingFlowFile(`The file ${a.url} is no longer in this workspace; upload it again in the send step.`);
    return attachmentOf(file);
  });
}
