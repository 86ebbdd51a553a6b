import type { Conversation } from '../api/types';
import { ChannelIcon } from '../components/ChannelIcon';
import { contactName, timeAgo } from '../lib/format';
import { Loading } from '../components/Notice';
import { useWaiting } from './useWaitingAlerts';
import './waiting.css';

export function ConversationList({
  conversations,
  selectedId,
  onOpen,
}: {
  conversations: Conversation[] | undefined;
  selectedId?: string;
  onOpen: (id: string) => void;
}) {
  const waiting = useWaiting();
  if (!conversations) return <Loading />;
  if (!conversations.length) return <p className="muted small pad">No conversations here.</p>;
  return (
    <ul className="conv-list" data-testid="conversation-list">
      {conversations.map((c) => (
        <li key={c.id}>
          <button className={`conv ${c.id === selectedId ? 'active' : ''}`} onClick={() => onOpen(c.id)} data-testid="conversation-item">
            <div className="conv-top">
              <span className="conv-name">{contactName(c.contact)}</span>
              <span className="conv-when">
                {!!waiting.unread.get(c.id) && (
                  <span className="unread-count" aria-label={`${waiting.unread.get(c.id)} unread`}>
                    {waiting.unread.get(c.id)}
                  </span>
                )}
                <span className="muted small">{timeAgo(c.lastMessageAt)}</span>
              </span>
            </div>
            <div className="conv-preview">
              <span title={c.channel.name}>
                <ChannelIcon type={c.channel.type} size={14} labelled />
              </span>
              {c.lastMessage
                ? `${c.lastMessage.author === 'bot' ? 'Bot: ' : c.lastMessage.author === 'agent' ? 'You: ' : ''}${c.lastMessage.text}`
                : 'No messages'}
            </div>
            <div className="conv-tags">
              {c.assignee ? (
                <span className="badge badge-human">{c.assignee.name}</span>
              ) : c.waitingForPersonSince ? (
                <span className="badge badge-waiting">Waiting for a person</span>
              ) : c.handledBy === 'human' ? (
                <span className="badge badge-human">Unassigned</span>
              ) : (
                <span className="badge">Bot</span>
              )}
              {c.priority !== 'none' && <span className={`badge prio-${c.priority}`}>{c.priority}</span>}
            </div>
          </button>
        </li>
      ))}
    </ul>
  );
}
