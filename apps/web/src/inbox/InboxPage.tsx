import { useEffect, useRef, useState } from 'react';
import { api, qs } from '../api/client';
import type { Channel, Conversation, ConversationStatus, Member, Team } from '../api/types';
import { useAsync } from '../lib/useAsync';
import { subscribeStream } from '../lib/stream';
import { navigate } from '../lib/router';
import { Notice } from '../components/Notice';
import { EmptyState } from '../components/EmptyState';
import { Icon } from '../components/Icon';
import { ConversationList } from './ConversationList';
import { WaitingBar } from './WaitingBar';
import { Thread } from './Thread';
import { ContactPanel } from './ContactPanel';
import { InboxFilters, type View } from './InboxFilters';

export function InboxPage({ selectedId }: { selectedId?: string }) {
  const [view, setView] = useState<View>('all');
  const [status, setStatus] = useState<ConversationStatus | ''>('open');
  const [channelId, setChannelId] = useState('');
  const list = useAsync(
    () =>
      api
        .get<{ conversations: Conversation[] }>(
          `/api/conversations${qs({ status, channelId, assignee: view === 'all' ? undefined : view })}`,
        )
        .then((r) => r.conversations),
    [view, status, channelId],
  );
  const channels = useAsync(
    () =>
      api
        .get<{ channels: Channel[] }>('/api/channels')
        .then((r) => r.channels)
        .catch(() => []),
    [],
  );
  const members = useAsync(
    () =>
      api
        .get<{ members: Member[] }>('/api/members')
        .then((r) => r.members)
        .catch(() => []),
    [],
  );
  const teams = useAsync(
    () =>
      api
        .get<{ teams: Team[] }>('/api/teams')
        .then((r) => r.teams)
        .catch(() => []),
    [],
  );
  const reloadTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const [liveSelected, setLiveSelected] = useState<Conversation>();
  // Narrow screens show one pane at a time: the list, a thread, or its contact.
  const [contactOpen, setContactOpen] = useState(false);
  useEffect(() => setContactOpen(false), [selectedId]);

  // Live: any change refetches the list (it is filtered server-side), a little debounced.
  useEffect(
    () =>
      subscribeStream((event) => {
        if (event.type === 'conversation.updated' && event.data.conversation.id === selectedId) setLiveSelected(event.data.conversation);
        clearTimeout(reloadTimer.current);
        reloadTimer.current = setTimeout(() => void list.reload(), 250);
      }),
    [list.reload, selectedId], // eslint-disable-line react-hooks/exhaustive-deps
  );

  const selected = liveSelected?.id === selectedId ? liveSelected : list.data?.find((c) => c.id === selectedId);
  const detail = useAsync(
    () => (selectedId && !selected ? api.get<Conversation>(`/api/conversations/${selectedId}`) : Promise.resolve(undefined)),
    [selectedId, !!selected],
  );
  const conversation = selected ?? detail.data;
  const pane = !selectedId ? 'list' : contactOpen && conversation ? 'contact' : 'thread';

  return (
    <div className={`inbox inbox-pane-${pane}`} data-testid="inbox">
      <section className="inbox-list" aria-label="Conversations">
        <InboxFilters
          view={view}
          setView={setView}
          status={status}
          setStatus={setStatus}
          channelId={channelId}
          setChannelId={setChannelId}
          channels={channels.data ?? []}
        />
        <WaitingBar />
        <Notice>{list.error}</Notice>
        <ConversationList conversations={list.data} selectedId={selectedId} onOpen={(id) => navigate(`/inbox/${id}`)} />
      </section>
      <section className="inbox-thread" aria-label="Conversation">
        {selectedId && (
          <div className="inbox-bar">
            <button type="button" className="btn btn-small inbox-back" onClick={() => navigate('/inbox')}>
              <Icon name="arrow-left" size={14} /> Conversations
            </button>
            <span className="spacer" />
            {conversation && (
              <button type="button" className="btn btn-small" onClick={() => setContactOpen(true)}>
                <Icon name="user" size={14} /> Contact details
              </button>
            )}
          </div>
        )}
        {conversation ? (
          <Thread
            key={conversation.id}
            conversation={conversation}
            members={members.data ?? []}
            teams={teams.data ?? []}
            onChanged={(c) => {
              setLiveSelected(c);
              void list.reload();
            }}
          />
        ) : (
          <EmptyState icon="inbox" title={list.data?.length ? 'Pick a conversation' : 'Your inbox is empty'}>
            {list.data?.length
              ? 'Choose a conversation on the left to read and answer it.'
              : 'Conversations from every channel land here. Connect your website chat or WhatsApp in Channels to get started.'}
          </EmptyState>
        )}
      </section>
      {conversation && (
        <section className="inbox-contact" aria-label="Contact">
          <div className="inbox-bar">
            <button type="button" className="btn btn-small" onClick={() => setContactOpen(false)}>
              <Icon name="arrow-left" size={14} /> Back to the conversation
            </button>
          </div>
          <ContactPanel key={conversation.contact.id} contactId={conversation.contact.id} />
        </section>
      )}
    </div>
  );
}
