import { useState } from 'react';
import { api, errorText } from '../api/client';
import type { ContactEvent } from '../api/types';
import { useSession } from '../auth/session';

type Line = { author?: string; text?: string | null; at?: string };

/** A logged conversation: its title, and the whole transcript on demand. */
export function TranscriptEntry({ event }: { event: ContactEvent }) {
  const [open, setOpen] = useState(false);
  const title = typeof event.data.title === 'string' ? event.data.title : 'Conversation transcript';
  const lines = (Array.isArray(event.data.messages) ? event.data.messages : []) as Line[];
  return (
    <div className="timeline-text">
      <button type="button" className="btn-link" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? '▾' : '▸'} {title} ({lines.length} message{lines.length === 1 ? '' : 's'})
      </button>
      {open && (
        <ol className="transcript small">
          {lines.map((l, i) => (
            <li key={i}>
              <strong>{l.author ?? '?'}</strong>: {l.text ?? ''}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

const targets: Record<string, string> = { hubspot: 'HubSpot', webhook: 'CRM webhook' };

/** A push to the CRM as it stands: queued, done (with the record id) or failed (with why, and Retry for admins). */
export function CrmPushEntry({ contactId, event, onChange }: { contactId: string; event: ContactEvent; onChange: () => void }) {
  const { me } = useSession();
  const [error, setError] = useState<string>();
  const d = event.data;
  const target = targets[String(d.target)] ?? String(d.target);
  const retry = async () => {
    try {
      await api.post(`/api/contacts/${contactId}/crm-pushes/${String(d.pushId)}/retry`, {});
      onChange();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <div className="timeline-text" data-status={String(d.status)}>
      {d.status === 'done' && (
        <>
          Sent to {target}
          {typeof d.recordId === 'string' ? ` (record ${d.recordId})` : ''}
        </>
      )}
      {d.status === 'queued' && <>Sending to {target}…</>}
      {d.status === 'failed' && (
        <>
          <span className="field-error">
            Not sent to {target}: {String(d.error ?? 'failed')}
          </span>{' '}
          {me.role !== 'agent' && (
            <button type="button" className="btn btn-small" onClick={() => void retry()}>
              Retry
            </button>
          )}
        </>
      )}
      {error && <small className="field-error">{error}</small>}
    </div>
  );
}
