import type { Message } from '../api/types';
import { dateTime } from '../lib/format';
import { AttachmentView } from './AttachmentView';
import { DeliveryTicks } from './DeliveryTicks';
import { Icon } from '../components/Icon';

const authorLabel = (m: Message) =>
  m.private
    ? `Private note${m.authorUser ? ` · ${m.authorUser.name}` : ''}`
    : m.author === 'bot'
      ? 'Bot'
      : m.author === 'agent'
        ? (m.authorUser?.name ?? 'Agent')
        : m.author === 'system'
          ? 'System'
          : 'Customer';

/** Customer left, bot and agents right in different colours, notes in yellow across. */
export function MessageBubble({ message: m, onRetry }: { message: Message; onRetry: () => void }) {
  const kind = m.private ? 'note' : m.author;
  return (
    <div className={`msg msg-${kind} ${m.status === 'failed' ? 'msg-failed' : ''}`} data-testid={`msg-${kind}`}>
      <div className="msg-meta">
        <span>{authorLabel(m)}</span>
        <span title={dateTime(m.createdAt)}>{new Date(m.createdAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}</span>
        {m.direction === 'out' && !m.private && <DeliveryTicks status={m.status} />}
      </div>
      {m.text && <div className="msg-text">{m.text}</div>}
      {m.attachments?.length > 0 && (
        <div className="msg-attachments">
          {m.attachments.map((a, i) => (
            <AttachmentView key={`${i}:${a.url ?? ''}`} attachment={a} />
          ))}
        </div>
      )}
      {m.location && (
        <a className="attachment attachment-file" href={m.location.mapUrl} target="_blank" rel="noreferrer" data-testid="message-location">
          📍 <span>{[m.location.name, m.location.address].filter(Boolean).join(', ') || 'Location'}</span>
        </a>
      )}
      {m.quickReplies && m.quickReplies.length > 0 && (
        <div className="quick-replies">
          {m.quickReplies.map((q) => (
            <span key={q} className="btn-chip">
              {q}
            </span>
          ))}
        </div>
      )}
      {m.status === 'failed' && (
        <div className="msg-error" data-testid="msg-failed">
          <Icon name="triangle-alert" size={14} /> Not delivered{m.error ? `: ${m.error}` : ''}
          <button className="btn btn-small" onClick={onRetry} data-testid="retry">
            Retry
          </button>
        </div>
      )}
    </div>
  );
}
