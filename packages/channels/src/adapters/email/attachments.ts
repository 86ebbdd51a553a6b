import { downloadMedia } from '../../download';
import { ProviderError } from '../../errors';
import type { OutboundAttachment, SendOptions } from '../../types';

/** A file carried inside the mail as a MIME part. */
export interface MailAttachment {
  filename: string;
  contentType?: string;
  content: Buffer;
}

/** What a mail carries: the files it could fetch, and links for those it could not. */
export interface LoadedAttachments {
  attached: MailAttachment[];
  /** Files whose host refused them for good (gone, forbidden): sent as links instead. */
  links: OutboundAttachment[];
}

/**
 * Fetches each file through the egress guard so the mail carries the bytes, not a link the
 * recipient's mail client may not open (signed links expire; many clients block remote content).
 * A passing failure (timeout, 5xx) fails the send so the delivery is retried; a final one leaves
 * that file as a link, so one dead customer link does not stop the message.
 */
export async function loadAttachments(files: OutboundAttachment[], opts: SendOptions | undefined): Promise<LoadedAttachments> {
  const loaded: LoadedAttachments = { attached: [], links: [] };
  for (const [index, file] of files.entries()) {
    try {
      const media = await downloadMedia(file.url, opts);
      const contentType = file.contentType ?? media.contentType;
      loaded.attached.push({
        filename: file.name ?? fileNameOf(file.url, index),
        content: media.data,
        ...(contentType && { contentType }),
      });
    } catch (err) {
      if (err instanceof ProviderError && !err.retryable) {
        loaded.links.push(file);
        continue;
      }
      throw err;
    }
  }
  return loaded;
}

/** The last path segment of a link, else a numbered name. */
function fileNameOf(url: string, index: number): string {
  try {
    const last = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
    if (last) return last;
  } catch {
    // An unparsable link keeps the numbered name.
  }
  return `attachment-${index + 1}`;
}
