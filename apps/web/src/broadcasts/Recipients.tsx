import { useState } from 'react';
import { api, qs } from '../api/client';
import { Link } from '../lib/router';
import { useAsync } from '../lib/useAsync';
import type { Recipient, RecipientStatus } from './types';

const FILTERS: (RecipientStatus | '')[] = ['', 'sent', 'delivered', 'read', 'failed', 'skipped', 'pending'];

/** One broadcast's recipients, 100 at a time, each with its status and, when skipped or failed, why. */
export function Recipients({ broadcastId }: { broadcastId: string }) {
  const [status, setStatus] = useState<RecipientStatus | ''>('');
  const [after, setAfter] = useState<string[]>([]);
  const cursor = after.at(-1);
  const page = useAsync(
    () =>
      api
        .get<{ recipients: Recipient[] }>(
          `/api/broadcasts/${broadcastId}/recipients${qs({ status: status || undefined, after: cursor, limit: '100' })}`,
        )
        .then((r) => r.recipients),
    [broadcastId, status, cursor],
  );
  return (
    <div className="broadcast-recipients" data-testid="broadcast-recipients">
      <label>
        Show{' '}
        <select
          value={status}
          onChange={(e) => {
            setStatus(e.target.value as RecipientStatus | '');
            setAfter([]);
          }}
        >
          {FILTERS.map((f) => (
            <option key={f} value={f}>
              {f || 'everyone'}
            </option>
          ))}
        </select>
      </label>
      <table className="table">
        <tbody>
          {page.data?.map((r) => (
            <tr key={r.id}>
              <td>
                <Link to={`/contacts/${r.contactId}`}>{r.name ?? 'Unnamed contact'}</Link>
              </td>
              <td>{r.status}</td>
              <td className="muted">{r.reason ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="form-foot">
        {after.length > 0 && (
          <button className="btn btn-small" onClick={() => setAfter((a) => a.slice(0, -1))}>
            Previous
          </button>
        )}
        {page.data?.length === 100 && (
          <button className="btn btn-small" onClick={() => setAfter((a) => [...a, page.data!.at(-1)!.id])}>
            Next
          </button>
        )}
      </div>
    </div>
  );
}
