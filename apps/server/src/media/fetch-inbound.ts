/**
 * The `media_fetch` job: copies an inbound message's files into the media store. Provider
 * references (`wa-media:`, `tg-file:`, Twilio's protected links) are downloaded by the channel's
 * adapter with its credentials; other web links (Messenger and Instagram CDN links that expire)
 * are fetched as they are; a widget visitor's `upload:` is claimed. Every download goes through
 * the egress guard. A file refused by the limits, or by the provider for good, is marked with
 * its reason; a passing fault throws and the job retries.
 */
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { downloadMedia, ProviderError } from '@switchboard/channels';
import { channels, conversations, messages, type Attachment } from '@switchboard/db';
import type { AppDeps } from '../context';
import { egressFor } from '../egress';
import { adapterFor } from '../inbox/adapters';
import { toLoaded } from '../inbox/channel-store';
import { publishMessageUpdated } from '../inbox/publish';
import { bareType, MediaRefused } from './limits';
import { claimUploads, UPLOAD_REF } from './link-uploads';
import { INLINE_PART_REF } from './inline-parts';
import { mergeAttachments } from './merge-attachments';
import { attachmentOf, saveMedia } from './media-files';

export const MediaFetchPayload = z.object({ messageId: z.string().uuid() });

type FetchDeps = Pick<AppDeps, 'db' | 'config' | 'events' | 'logger'>;

const isWebLink = (url: string) => /^https?:\/\//i.test(url);

export async function mediaFetchTask(deps: FetchDeps, payload: unknown): Promise<void> {
  const { messageId } = MediaFetchPayload.parse(payload);
  const [row] = await deps.db
    .select({ message: messages, channel: channels, contactId: conversations.contactId })
    .from(messages)
    .innerJoin(channels, eq(channels.id, messages.channelId))
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(eq(messages.id, messageId));
  if (!row) return;
  const { message, channel } = row;
  if (!message.attachments.some((a) => !a.mediaId && !a.error)) return;

  const adapter = adapterFor(channel.type);
  const parsed = adapter?.configSchema.safeParse(toLoaded(deps.config.appSecret, channel).config);
  const config = parsed?.success ? parsed.data : null;
  const egress = egressFor(deps.config);
  const copied: Attachment[] = [];
  for (const attachment of message.attachments) {
    // Email parts are stored by the request that had their bytes (inline-parts.ts).
    if (attachment.mediaId || attachment.error || attachment.url.startsWith(INLINE_PART_REF)) {
      copied.push(attachment);
      continue;
    }
    try {
      if (attachment.url.startsWith(UPLOAD_REF)) {
        const [file] = await claimUploads(
          deps.db,
          message.workspaceId,
          message.conversationId,
          [attachment.url.slice(UPLOAD_REF.length)],
          `contact:${row.contactId}`,
        );
        copied.push(file ? attachmentOf(file) : { ...attachment, error: 'The upload was not found.' });
        continue;
      }
      const fetched =
        (config && (await adapter?.fetchMedia?.(attachment.url, config, { egress }))) ||
        (isWebLink(attachment.url) ? await downloadMedia(attachment.url, { egress }) : null);
      if (!fetched) {
        copied.push({ ...attachment, error: 'This channel cannot download the file.' });
        continue;
      }
      // A provider's own type wins, unless it only names a family (Messenger's `image/*`) or nothing.
      const declared = bareType(attachment.contentType);
      const vague = !declared || declared.endsWith('/*') || declared === 'application/octet-stream';
      const contentType = (vague ? bareType(fetched.contentType) : declared) || declared || 'application/octet-stream';
      const file = await saveMedia(deps, {
        workspaceId: message.workspaceId,
        conversationId: message.conversationId,
        data: fetched.data,
        contentType,
        fileName: attachment.name ?? nameFromUrl(attachment.url),
      });
      copied.push({ ...attachmentOf(file, attachment.url), ...(attachment.name && { name: attachment.name }) });
    } catch (err) {
      if (err instanceof MediaRefused) copied.push({ ...attachment, error: err.message });
      else if (err instanceof ProviderError && !err.retryable) copied.push({ ...attachment, error: err.message });
      else throw err;
    }
  }
  await mergeAttachments(deps.db, messageId, message.workspaceId, copied);
  await publishMessageUpdated(deps, messageId);
}

/** `https://cdn/x/photo.jpg?sig=..` -> `photo.jpg`; provider references have no name. */
function nameFromUrl(url: string): string | null {
  if (!isWebLink(url)) return null;
  try {
    const last = new URL(url).pathname.split('/').pop();
    return last && /\.[a-z0-9]{2,5}$/i.test(last) ? decodeURIComponent(last) : null;
  } catch {
    return null;
  }
}
