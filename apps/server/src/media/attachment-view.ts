import type { Attachment } from '@switchboard/db';
import type { Config } from '../config';
import { bareType, isPreviewable } from './limits';
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
