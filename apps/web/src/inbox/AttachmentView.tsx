import './attachments.css';
import type { Attachment } from '../api/types';
import { Icon } from '../components/Icon';

const sizeText = (size: number | null) =>
  size === null ? '' : size < 1024 * 1024 ? `${Math.max(1, Math.round(size / 1024))} KB` : `${(size / (1024 * 1024)).toFixed(1)} MB`;

/** A message's file: a picture, a player, or a download; on its way or failed, said in words. */
export function AttachmentView({ attachment: a }: { attachment: Attachment }) {
  if (a.pending)
    return (
      <div className="attachment attachment-pending muted small" data-testid="attachment-pending">
        <Icon name="paperclip" size={14} /> Receiving {a.name ?? 'a file'}…
      </div>
    );
  if (!a.url)
    return (
      <div className="attachment attachment-failed small" data-testid="attachment-failed">
        <Icon name="triangle-alert" size={14} /> {a.name ?? 'A file'} could not be received{a.error ? `: ${a.error}` : ''}
      </div>
    );
  const label = a.name ?? 'file';
  if (a.kind === 'image') {
    return (
      <a className="attachment attachment-image" href={a.url} target="_blank" rel="noreferrer" data-testid="attachment-image">
        <img src={a.url} alt={label} loading="lazy" />
      </a>
    );
  }
  if (a.kind === 'audio')
    return <audio className="attachment attachment-audio" src={a.url} controls preload="none" data-testid="attachment-audio" />;
  if (a.kind === 'video')
    return <video className="attachment attachment-video" src={a.url} controls preload="metadata" data-testid="attachment-video" />;
  return (
    <a className="attachment attachment-file" href={a.url} target="_blank" rel="noreferrer" download={label} data-testid="attachment-file">
      <Icon name="file" /> <span>{label}</span> <span className="muted small">{sizeText(a.size)}</span>
    </a>
  );
}
