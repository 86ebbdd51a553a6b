import { useState } from 'react';
import { api, errorText } from '../api/client';
import type { Channel } from '../api/types';
import { useAsync } from '../lib/useAsync';
import { EmptyState } from '../components/EmptyState';
import { Notice } from '../components/Notice';
import { PageHeader } from '../components/PageHeader';
import { AddChannel } from './AddChannel';
import { ChannelCard } from './ChannelCard';
import type { CreatedWebchat } from './IdentitySecret';

export function ChannelsPage() {
  const channels = useAsync(() => api.get<{ channels: Channel[] }>('/api/channels').then((r) => r.channels), []);
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<CreatedWebchat>();
  const [error, setError] = useState<string>();

  const remove = async (c: Channel) => {
    if (!confirm(`Disconnect “${c.name}”? Messages from it will no longer arrive.`)) return;
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
        actions={<button className="btn btn-primary" onClick={() => setAdding(true)} data-testid="add-channel">+ Connect a channel</button>}
      />
      <Notice>{error ?? channels.error}</Notice>
      {channels.data && !channels.data.length && (
        <EmptyState icon="📡" title="No channels connected" action={<button className="btn btn-primary" onClick={() => setAdding(true)}>Add website chat</button>}>
          Start with the chat bubble for your website: it takes one line pasted into your site.
        </EmptyState>
      )}
      <div className="channel-list">
        {channels.data?.map((c) => (
          <ChannelCard key={c.id} channel={c} secret={created?.id === c.id ? created.secret : undefined} identitySecret={created?.id === c.id ? created.identitySecret : undefined} snippet={created?.id === c.id ? created.widgetSnippet : undefined} onRemove={() => void remove(c)} />
        ))}
      </div>
      {adding && (
        <AddChannel
          onClose={() => setAdding(false)}
          onCreated={(c) => {
            setCreated(c);
            setAdding(false);
            void channels.reload();
          }}
        />
      )}
    </div>
  );
}
