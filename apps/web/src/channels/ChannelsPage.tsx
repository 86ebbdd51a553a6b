import { useState } from 'react';
import { api, errorText } from '../api/client';
import type { Channel } from '../api/types';
import { useAsync } from '../lib/useAsync';
import { EmptyState } from '../components/EmptyState';
import { Notice } from '../components/Notice';
import { PageHeader } from '../components/PageHeader';
import { AddChannel } from './AddChannel';
import { ChannelCard } from './ChannelCard';
import { createWebsiteChat, type CreatedWebchat, type WebchatChannel } from './webchat';

export function ChannelsPage() {
  const channels = useAsync(() => api.get<{ channels: WebchatChannel[] }>('/api/channels').then((r) => r.channels), []);
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<CreatedWebchat>();
  const [error, setError] = useState<string>();

  const onCreated = (c: CreatedWebchat) => {
    setCreated(c);
    setAdding(false);
    void channels.reload();
  };
  const addWebsiteChat = async () => {
    try {
      onCreated(await createWebsiteChat());
    } catch (err) {
      setError(errorText(err));
    }
  };
  const saved = (c: WebchatChannel) => channels.setData((list) => (list ?? []).map((x) => (x.id === c.id ? c : x)));

  const remove = async (c: Channel) => {
    if (
      !confirm(
        `Disconnect “${c.name}”? Messages from it will no longer arrive${c.type === 'webchat' ? ' and the chat bubble disappears from your website' : ''}.`,
      )
    )
      return;
    try {
      await api.del(`/api/channels/${c.id}`);
      void channels.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <div className="page">
      <PageHeader
        title="Channels"
        subtitle="Where your customers reach you. Every channel lands in the same inbox and runs the same flows."
        actions={
          <button className="btn btn-primary" onClick={() => setAdding(true)} data-testid="add-channel">
            + Connect a channel
          </button>
        }
      />
      <Notice>{error ?? channels.error}</Notice>
      {channels.data && !channels.data.length && (
        <EmptyState
          icon="radio-tower"
          title="No channels connected"
          action={
            <button className="btn btn-primary" onClick={() => void addWebsiteChat()}>
              Add website chat
            </button>
          }
        >
          Start with the chat bubble for your website: it takes one line pasted into your site.
        </EmptyState>
      )}
      <div className="channel-list">
        {channels.data?.map((c) => (
          <ChannelCard
            key={c.id}
            channel={c}
            secret={created?.id === c.id ? created.secret : undefined}
            identitySecret={created?.id === c.id ? created.identitySecret : undefined}
            snippet={created?.id === c.id ? created.widgetSnippet : undefined}
            onRemove={() => void remove(c)}
            onSaved={saved}
          />
        ))}
      </div>
      {adding && <AddChannel onClose={() => setAdding(false)} onCreated={onCreated} />}
    </div>
  );
}
