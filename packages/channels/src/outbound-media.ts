import type { OutboundAttachment, OutboundLocation, OutboundMessage } from './types';

export type MediaKind = 'image' | 'video' | 'audio' | 'document';

/** The files of a message: `attachments`, or the single `mediaUrl` of older callers. */
export function outboundMedia(msg: Pick<OutboundMessage, 'attachments' | 'mediaUrl'>): OutboundAttachment[] {
  if (msg.attachments?.length) return msg.attachments;
  return msg.mediaUrl ? [{ url: msg.mediaUrl }] : [];
}

const EXTENSION_KINDS: [RegExp, MediaKind][] = [
  [/\.(jpe?g|png|gif|webp)$/i, 'image'],
  [/\.(mp4|3gp|mov)$/i, 'video'],
  [/\.(mp3|ogg|opus|m4a|aac|amr|wav)$/i, 'audio'],
];

/**
 * How a provider should carry a file: by its type when known, else by the link's extension.
 * Providers show an image only for the few formats they render (JPEG, PNG, and a few more);
 * anything else, a PDF above all, goes as a document the customer can open.
 */
export function mediaKind(file: OutboundAttachment): MediaKind {
  const type = (file.contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (/^image\/(jpeg|png|gif|webp)$/.test(type)) return 'image';
  if (type.startsWith('video/')) return 'video';
  if (type.startsWith('audio/')) return 'audio';
  if (type) return 'document';
  let path = file.url;
  try {
    path = new URL(file.url).pathname;
  } catch {
    // not a URL: judge the string itself
  }
  return EXTENSION_KINDS.find(([pattern]) => pattern.test(path))?.[1] ?? (file.url.startsWith('http') ? 'image' : 'document');
}

/** A link that opens the place in the customer's maps app, for channels with no location message. */
export function mapLink(location: OutboundLocation): string {
  return `https://www.google.com/maps/search/?api=1&query=${location.latitude},${location.longitude}`;
}

/** The message text with the place written out and linked, for channels with no location message. */
export function withLocationText(text: string, location: OutboundLocation | undefined): string {
  if (!location) return text;
  const place = [location.name, location.address].filter(Boolean).join(', ');
  return [text, [place, mapLink(location)].filter(Boolean).join('\n')].filter(Boolean).join('\n\n');
}
