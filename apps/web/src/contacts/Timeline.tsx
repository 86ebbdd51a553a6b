import { useState } from 'react';
import { api, errorText } from '../api/client';
import type { ContactEvent } from '../api/types';
import { timeAgo } from '../lib/format';
import { useAsync } from '../lib/useAsync';
import { CrmPushEntry, TranscriptEntry } from './TimelineEntries';
import { Icon } from '../components/Icon';

const kinds: Record<string, { label: string; icon: string }> = {
  note: { label: 'Note', icon: 'sticky-note' },
  transcript: { label: 'Conversation', icon: 'message-circle' },
  field_changed: { label: 'Changed', icon: 'pencil' },
  tag_added: { label: 'Tagged', icon: 'tag' },
  tag_removed: { label: 'Untagged', icon: 'eraser' },
  crm_push: { label: 'CRM push', icon: 'contact' },
};

function describe(e: ContactEvent): string {
  const d = e.data ?? {};
  if (typeof d.text === 'string') return d.text;
  if (typeof d.title === 'string') return d.title;
  if (typeof d.field === 'string') return `${d.field.replace(/^contact\./, '')}: ${shown(d.old)} → ${shown(d.new)}`;
  if (Array.isArray(d.tags)) return d.tags.join(', ');
  if (typeof d.tag === 'string') return d.tag;
  if (Array.isArray(d.messages)) return `${d.messages.length} messages saved from the conversation`;
  return Object.entries(d)
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? '…' : String(v)}`)
    .join(' · ');
}

function shown(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** The contact's CRM history: notes, logged conversations, field changes. */
export function Timeline({ contactId }: { contactId: string }) {
  const events = useAsync(
    () => api.get<{ events: ContactEvent[] }>(`/api/contacts/${contactId}/events`).then((r) => r.events),
    [contactId],
  );
  const [note, setNote] = useState('');
  const [error, setError] = useState<string>();
  const addNote = async () => {
    if (!note.trim()) return;
    try {
      await api.post(`/api/contacts/${contactId}/notes`, { text: note.trim() });
      setNote('');
      void events.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <div className="timeline" data-testid="timeline">
      <h4>Timeline</h4>
      <div className="note-add">
        <input
          value={note}
          onChange={(e) => setNote(e.target.value)}
          placeholder="Add a note about this customer"
          onKeyDown={(e) => e.key === 'Enter' && void addNote()}
        />
        <button className="btn btn-small" onClick={() => void addNote()}>
          Add
        </button>
      </div>
      {(error ?? events.error) && <small className="field-error">{error ?? events.error}</small>}
      {events.data && !events.data.length && <p className="muted small">Nothing yet.</p>}
      <ul>
        {events.data?.map((e) => (
          <li key={e.id}>
            <div className="small">
              <strong className="with-icon">
                <Icon name={kinds[e.kind]?.icon} size={14} /> {kinds[e.kind]?.label ?? e.kind.replace(/_/g, ' ')}
              </strong>{' '}
              <span className="muted">
                {timeAgo(e.createdAt)}
                {e.actor ? ` · ${e.actor}` : ''}
              </span>
            </div>
            {e.kind === 'transcript' ? (
              <TranscriptEntry event={e} />
            ) : e.kind === 'crm_push' ? (
              <CrmPushEntry contactId={contactId} event={e} onChange={() => void events.reload()} />
            ) : (
              <div className="timeline-text">{describe(e)}</div>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
