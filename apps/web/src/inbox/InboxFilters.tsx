import type { Channel, ConversationStatus } from '../api/types';

export type View = 'me' | 'unassigned' | 'all';

export function InboxFilters(p: {
  view: View;
  setView: (v: View) => void;
  status: ConversationStatus | '';
  setStatus: (s: ConversationStatus | '') => void;
  channelId: string;
  setChannelId: (id: string) => void;
  channels: Channel[];
}) {
  const views: { id: View; label: string }[] = [
    { id: 'me', label: 'Mine' },
    { id: 'unassigned', label: 'Unassigned' },
    { id: 'all', label: 'All' },
  ];
  return (
    <div className="inbox-filters">
      <div className="segmented" role="tablist">
        {views.map((v) => (
          <button
            key={v.id}
            role="tab"
            aria-selected={p.view === v.id}
            className={p.view === v.id ? 'active' : ''}
            onClick={() => p.setView(v.id)}
            data-testid={`view-${v.id}`}
          >
            {v.label}
          </button>
        ))}
      </div>
      <div className="filter-row">
        <select
          value={p.status}
          onChange={(e) => p.setStatus(e.target.value as ConversationStatus | '')}
          aria-label="Status"
          data-testid="filter-status"
        >
          <option value="open">Open</option>
          <option value="pending">Pending</option>
          <option value="snoozed">Snoozed</option>
          <option value="resolved">Resolved</option>
          <option value="">Any status</option>
        </select>
        <select value={p.channelId} onChange={(e) => p.setChannelId(e.target.value)} aria-label="Channel">
          <option value="">All channels</option>
          {p.channels.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
