import { and, eq } from 'drizzle-orm';
import { messages, type Attachment, type Executor } from '@switchboard/db';

/**
 * Writes what one copier settled (a stored file or an error) into the message's attachments,
 * position by position, keeping what another copier settled meanwhile: the media_fetch job and
 * the request storing an email's parts may finish in either order.
 */
export async function mergeAttachments(db: Executor, messageId: string, workspaceId: string, settled: Attachment[]): Promise<void> {
  await db.transaction(async (tx) => {
    const where = and(eq(messages.id, messageId), eq(messages.workspaceId, workspaceId));
    const [row] = await tx.select({ attachments: messages.attachments }).from(messages).where(where).for('update');
    if (!row) return;
    const merged = row.attachments.map((current, i) => (current.mediaId || current.error ? current : (settled[i] ?? current)));
    await tx.update(messages).set({ attachments: merged }).where(where);
  });
}
