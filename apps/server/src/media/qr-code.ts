import { and, eq } from 'drizzle-orm';
import QRCode from 'qrcode';
import { messages, type Attachment, type Executor } from '@switchboard/db';
import type { Config } from '../config';
import { attachmentOf, saveMedia } from './media-files';

/** A message's QR code waits as this attachment (its text in `meta.qrCode`) until it is drawn. */
export const QR_REF = 'qr:';
export const QR_ATTACHMENT: Attachment = { url: QR_REF, contentType: 'image/png', name: 'qr-code.png' };

/** A QR code of `text` as a PNG, large enough to scan from a phone screen (error correction M). */
export function qrPng(text: string): Promise<Buffer> {
  return QRCode.toBuffer(text, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 480 });
}

type Row = Pick<typeof messages.$inferSelect, 'id' | 'workspaceId' | 'conversationId' | 'attachments' | 'meta'>;

/**
 * Draws the QR code a flow asked for into the media store and names it on the message, before
 * the message is delivered (the provider fetches it like any picture). Done once: a retry finds
 * the stored file. Answers the message's attachments as they now are.
 */
export async function drawQrCodes(
  deps: { db: Executor; config: Pick<Config, 'dataDir' | 'mediaS3' | 'mediaMaxBytes'> },
  message: Row,
): Promise<Attachment[]> {
  const text = message.meta.qrCode;
  if (typeof text !== 'string' || !message.attachments.some((a) => a.url === QR_REF && !a.mediaId)) return message.attachments;
  const png = await qrPng(text);
  const file = await saveMedia(deps, {
    workspaceId: message.workspaceId,
    conversationId: message.conversationId,
    data: png,
    contentType: 'image/png',
    fileName: 'qr-code.png',
  });
  const attachments = message.attachments.map((a) => (a.url === QR_REF && !a.mediaId ? attachmentOf(file, QR_REF) : a));
  await deps.db
    .update(messages)
    .set({ attachments })
    .where(and(eq(messages.id, message.id), eq(messages.workspaceId, message.workspaceId)));
  return attachments;
}
