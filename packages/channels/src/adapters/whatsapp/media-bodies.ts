import { mediaKind } from '../../outbound-media';
import type { OutboundAttachment, OutboundLocation } from '../../types';

type Head = Record<string, unknown>;
const clip = (text: string, max: number) => Array.from(text).slice(0, max).join('');

/** Audio carries no caption on WhatsApp; images, videos and documents do (up to 1,024 characters). */
export const takesCaption = (file: OutboundAttachment) => mediaKind(file) !== 'audio';

/**
 * One Cloud API media message, its type by the file's MIME type: a PDF is a `document` (with its
 * file name, which WhatsApp shows), never an `image`, which WhatsApp would refuse.
 */
export function whatsappMediaBody(head: Head, file: OutboundAttachment, caption?: string): Record<string, unknown> {
  const type = mediaKind(file);
  const media: Record<string, unknown> = { link: file.url };
  if (caption && type !== 'audio') media.caption = clip(caption, 1024);
  if (type === 'document' && file.name) media.filename = clip(file.name, 240);
  return { ...head, type, [type]: media };
}

/** The header of a reply-button message: an image, a video or a document (never audio). */
export function whatsappHeader(file: OutboundAttachment | undefined): Record<string, unknown> | undefined {
  if (!file || !takesCaption(file)) return undefined;
  const type = mediaKind(file);
  return { type, [type]: { link: file.url, ...(type === 'document' && file.name && { filename: file.name }) } };
}

export function whatsappLocation(head: Head, location: OutboundLocation): Record<string, unknown> {
  return {
    ...head,
    type: 'location',
    location: {
      latitude: location.latitude,
      longitude: location.longitude,
      ...(location.name && { name: location.name }),
      ...(location.address && { address: location.address }),
    },
  };
}
