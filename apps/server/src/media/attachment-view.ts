import type { Attachment } from '@switchboard/db';
import type { Config } from '../config';
import { bareType, isPreviewable } from './limits';
import { locationOf } from './outbound-files';
import { signedMediaUrl } from './signed-url';

/** A message's file as the inbox and the widget show it. */
export interface AttachmentView {
  /** A signed link to our copy, the customer's web link, or null while the file is on its way. */
  url: string | null;
  contentType: string | null;
  name: string | null;
  size: number | null;
  /** How to show it: a picture, a player, or a download. */
  kind: 'image' | 'audio' | 'video' | 'file';
  /** Still being copied from the provider. */
  pending: boolean;
  error: string | null;
}

/** Signs links to the media store for whoever the caller has already allowed to see the message. */
export type MediaLinks = (mediaId: string, name: string | null) => string;

export function mediaLinks(config: Pick<Config, 'publicUrl' | 'appSecret'>): MediaLinks {
  return (mediaId, name) => signedMediaUrl(config.publicUrl, config.appSecret, mediaId, { name });
}

export function kindOf(contentType: string | null | undefined): AttachmentView['kind'] {
  const type = bareType(contentType);
  if (!isPreviewable(type)) return 'file';
  return type.startsWith('image/') ? 'image' : type.startsWith('audio/') ? 'audio' : 'video';
}

const isWebLink = (url: string) => /^https?:\/\//i.test(url);

export function presentAttachment(a: Attachment, links?: MediaLinks): AttachmentView {
  const name = a.name ?? null;
  const url = a.mediaId ? (links?.(a.mediaId, name) ?? null) : isWebLink(a.url) ? a.url : null;
  return {
    url,
    contentType: a.contentType ?? null,
    name,
    size: a.size ?? null,
    kind: kindOf(a.contentType),
    // A provider reference (wa-media:, tg-file:) becomes a stored file or an error.
    pending: !a.mediaId && !isWebLink(a.url) && !a.error,
    error: a.error ?? null,
  };
}

/** `{ location }` for a message that names a place (a flow's location message), else nothing. */
export function placeOf(meta: Record<string, unknown>): { location?: NonNullable<ReturnType<typeof locationOf>> & { mapUrl: string } } {
  const location = locationOf(meta);
  return location
    ? { location: { ...location, mapUrl: `https://www.google.com/maps/search/?api=1&query=${location.latitude},${location.longitude}` } }
    : {};
}
