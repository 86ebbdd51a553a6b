import { useEffect, useState } from 'react';
import { api, errorText } from '../api/client';
import type { Channel } from '../api/types';
import { useAsync } from '../lib/useAsync';
import { EmptyState } from '../components/EmptyState';
import { Notice } from '../components/Notice';
import { PageHeader } from '../components/PageHeader';
import { BroadcastForm } from './BroadcastForm';
import { Recipients } from './Recipients';
import type { Broadcast } from './types';

const STATUS_WORDS: Record<Broadcast['status'], string> = {
  scheduled: 'Scheduled',
  sending: 'Sending',
  completed: 'Sent',
  cancelled: 'Cancelled',
};

/** Broadcasts: a message to a segment of contacts, sent at the channel's pace, with each recipient's status. */
export function BroadcastsPage() {
  const broadcasts = useAsync(() => api.get<{ broadcasts: Broadcast[] }>('/api/broadcasts').then((r) => r.broadcasts), []);
  const channels = useAsync(() => api.get<{ channels: Channel[] }>('/api/channels').then((r) => r.channels), []);
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const running = broadcasts.data?.some((b) => b.status === 'sending' || b.progress.sending > 0);

  // Progress moves every second while one is sending.
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => void broadcasts.reload(), 2_000);
    return () => clearInterval(timer);
  }, [running, broadcasts]);

  const cancel = async (id: string) => {
    if (!confirm('Stop this broadcast? Contacts not reached yet will not get it.')) return;
    try {
      await api.post(`/api/broadcasts/${id}/cancel`, {});
      void broadcasts.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const channelName = (id: string) => channels.data?.find((c) => c.id === id)?.name ?? 'Channel';

  return (
    <div className="page narrow-page">
      <PageHeader
        title="Broadcasts"
        subtitle="Send one message to many contacts: everyone on a channel or those with certain tags. Contacts who texted STOP are skipped."
        actions={
          <button className="btn btn-primary" onClick={() => setCreating(true)} data-testid="new-broadcast">
            + New broadcast
          </button>
        }
      />
      <Notice>{error ?? broadcasts.error ?? channels.error}</Notice>
      {creating && channels.data && (
        <BroadcastForm
          channels={channels.data}
          onCancel={() => setCreating(false)}
          onCreated={() => {
            setCreating(false);
            void broadcasts.reload();
          }}
        />
      )}
      {broadcasts.data && !broadcasts.data.length && !creating && (
        <EmptyState
          icon="megaphone"
          title="No broadcasts yet"
          action={
            <button className="btn btn-primary" onClick={() => setCreating(true)}>
              Write your first broadcast
            </button>
          }
        >
          Announce a sale, a new opening time or a holiday closure to your customers at once.
        </EmptyState>
      )}
      <ul className="kb-list">
        {broadcasts.data?.map((b) => {
          const { progress } = b;
          const reached = progress.sent + progress.delivered + progress.read;
          const done = reached + progress.failed + progress.skipped;
          return (
            <li key={b.id} className="card kb-item" data-testid="broadcast">
              <div>
                <strong>{b.name}</strong> <span className="badge">{STATUS_WORDS[b.status]}</span>
                <p className="muted">
                  {channelName(b.channelId)} · {b.segment.tags?.length ? `tagged ${b.segment.tags.join(', ')}` : 'everyone on the channel'}{' '}
                  · {b.sendRatePerSecond}/s
                  {b.status === 'scheduled' && ` · starts ${new Date(b.scheduledAt).toLocaleString()}`}
                </p>
                {progress.total > 0 && (
                  <>
                    <progress max={progress.total} value={done} aria-label="Progress" />
                    <p data-testid="broadcast-progress">
                      {reached} sent ({progress.delivered + progress.read} delivered, {progress.read} read) · {progress.skipped} skipped ·{' '}
                      {progress.failed} failed · {progress.pending + progress.sending} to go, of {progress.total}
                    </p>
                  </>
                )}
                {open === b.id && <Recipients broadcastId={b.id} />}
              </div>
              <div className="row-actions">
                <button className="btn btn-small" onClick={() => setOpen(open === b.id ? null : b.id)}>
                  {open === b.id ? 'Hide recipients' : 'Recipients'}
                </button>
                {(b.status === 'scheduled' || b.status === 'sending') && (
                  <button className="btn btn-small btn-danger" onClick={() => void cancel(b.id)}>
                    Stop
                  </button>
                )}
              </div>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
