/**
 * What the media store accepts. Types are an allow-list: what customers and agents send each
 * other (pictures, voice notes, video, documents), never what a browser would run (HTML, SVG,
 * scripts), since a stored file is served from the app's own origin.
 */
export const DEFAULT_MAX_BYTES = 25 * 1024 * 1024;

const PREVIEWABLE = /^(image\/(jpeg|png|gif|webp)|audio\/(mpeg|mp4|aac|ogg|opus|amr|wav|webm|x-m4a)|video\/(mp4|3gpp|quicktime|webm|ogg))$/;
const DOCUMENTS = new Set([
  'application/pdf',
  'text/plain',
  'text/csv',
  'text/vcard',
  'text/x-vcard',
  'application/zip',
  'application/msword',
  'application/vnd.ms-excel',
  'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'image/heic',
  'image/bmp',
  'image/tiff',
]);

export class MediaRefused extends Error {}

/** `Image/PNG; charset=x` -> `image/png`. */
export function bareType(contentType: string | undefined | null): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Shown inline (img, audio, video) rather than offered as a download. */
export function isPreviewable(contentType: string): boolean {
  return PREVIEWABLE.test(bareType(contentType));
}

/** Throws MediaRefused, in words for the person who sent the file, when it may not be stored. */
export function checkMedia(size: number, contentType: string, maxBytes = DEFAULT_MAX_BYTES): void {
  if (size === 0) throw new MediaRefused('The file is empty.');
  if (size > maxBytes) throw new MediaRefused(`The file is larger than ${Math.round(maxBytes / (1024 * 1024))} MB.`);
  const type = bareType(contentType);
  if (!isPreviewable(type) && !DOCUMENTS.has(type)) throw new MediaRefused(`Files of type ${type || 'unknown'} are not accepted.`);
}
