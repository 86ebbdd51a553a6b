import { eq } from 'drizzle-orm';
import { messages, type Attachment, type Executor } from '@switchboard/db';
import { mergeAttachments } from './merge-attachments';
import type { InboundAttachment } from '@switchboard/channels';
import type { Config } from '../config';
import { MediaRefused } from './limits';
import { attachmentOf, saveMedia } from './media-files';

/** Files whose bytes came in the webhook itself: `email-part:N` until stored. */
export const INLINE_PART_REF = 'email-part:';

type Deps = { db: Executor; config: Pick<Config, 'dataDir' | 'mediaS3' | 'mediaMaxBytes'> };

/**
 * Stores the files that arrived inside the webhook (an email's attachments) once their message is
 * stored, and names them on it. Called by the request that has the bytes; the media_fetch job
 * leaves these references alone.
 */
export async function storeInlineParts(deps: Deps, messageId: string, parts: InboundAttachment[]): Promise<void> {
  const inline = parts.filter((p) => p.data && p.url.startsWith(INLINE_PART_REF));
  if (!inline.length) return;
  const [message] = await deps.db.select().from(messages).where(eq(messages.id, messageId));
  if (!message) return;
  const stored = new Map<string, Attachment>();
  for (const part of inline) {
    try {
      const file = await saveMedia(deps, {
        workspaceId: message.workspaceId,
        conversationId: message.conversationId,
        data: part.data!,
        contentType: part.contentType ?? 'application/octet-stream',
        fileName: part.name ?? null,
      });
      stored.set(part.url, attachmentOf(file, part.url));
    } catch (err) {
      if (!(err instanceof MediaRefused)) throw err;
      stored.set(part.url, {
        url: part.url,
        ...(part.name && { name: part.name }),
        ...(part.contentType && { contentType: part.contentType }),
        error: err.message,
      });
    }
  }
  await mergeAttachments(
    deps.db,
    messageId,
    message.workspaceId,
    message.attachments.map((a) => stored.get(a.url) ?? a),
  );
}
