import { useEffect, useRef } from 'react';
import { api, errorText } from '../api/client';
import type { Conversation, Member, Message, Team } from '../api/types';
import { CHANNEL_LABELS } from '../channels/channelTypes';
import { contactName } from '../lib/format';
import { subscribeStream } from '../lib/stream';
import { useAsync } from '../lib/useAsync';
import { Notice } from '../components/Notice';
import { toast } from '../components/toast';
import { ConversationControls } from './ConversationControls';
import { CustomerTyping } from './CustomerTyping';
import { MessageBubble } from './MessageBubble';
import { ReplyBox } from './ReplyBox';

function upsert(list: Message[], message: Message): Message[] {
  const i = list.findIndex((m) => m.id === message.id);
  if (i === -1) return [...list, message];
  const next = [...list];
  next[i] = message;
  return next;
}

export function Thread({
  conversation,
  members,
  teams,
  onChanged,
}: {
  conversation: Conversation;
  members: Member[];
  teams: Team[];
  onChanged: (c: Conversation) => void;
}) {
  const messages = useAsync(
    () => api.get<{ messages: Message[] }>(`/api/conversations/${conversation.id}/messages`).then((r) => r.messages),
    [conversation.id],
  );
  const end = useRef<HTMLDivElement>(null);

  useEffect(
    () =>
      subscribeStream((event) => {
        if (event.type === 'reconnect') return void messages.reload();
        if ((event.type === 'message.created' || event.type === 'message.updated') && event.data.conversationId === conversation.id) {
          messages.setData((prev) => upsert(prev ?? [], event.data.message));
        }
      }),
    [conversation.id], // eslint-disable-line react-hooks/exhaustive-deps
  );
  // Braces matter: newer Chromium returns a Promise from scrollIntoView, which React would take as a cleanup.
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'end' });
  }, [messages.data?.length]);

  const send = async (text: string, isPrivate: boolean, attachments: string[] = []) => {
    const message = await api.post<Message>(`/api/conversations/${conversation.id}/messages`, {
      text,
      private: isPrivate,
      ...(attachments.length > 0 && { attachments }),
    });
    messages.setData((prev) => upsert(prev ?? [], message));
  };

  const retry = async (m: Message) => {
    try {
      const message = await api.post<Message>(`/api/messages/${m.id}/retry`);
      messages.setData((prev) => upsert(prev ?? [], message));
    } catch (err) {
      toast(errorText(err), 'error');
    }
  };

  return (
    <div className="thread" data-testid="thread">
      <header className="thread-head">
        <div>
          <h2>{contactName(conversation.contact)}</h2>
          <div className="muted small">
            via {conversation.channel.name} · {CHANNEL_LABELS[conversation.channel.type] ?? conversation.channel.type}
            {conversation.handledBy === 'bot' ? ' · the bot is answering' : ''}
          </div>
        </div>
        <ConversationControls conversation={conversation} members={members} teams={teams} onChanged={onChanged} />
      </header>
      <div className="messages" data-testid="messages">
        <Notice>{messages.error}</Notice>
        {messages.data?.map((m) => (
          <MessageBubble key={m.id} message={m} onRetry={() => void retry(m)} />
        ))}
        {messages.data && !messages.data.length && <p className="muted center">No messages yet.</p>}
        <CustomerTyping conversationId={conversation.id} />
        <div ref={end} />
      </div>
      <ReplyBox onSend={send} botActive={conversation.handledBy === 'bot'} conversationId={conversation.id} />
    </div>
  );
}
