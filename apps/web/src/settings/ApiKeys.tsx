import { useState } from 'react';
import { api, errorText } from '../api/client';
import type { ApiKey } from '../api/types';
import { timeAgo } from '../lib/format';
import { useAsync } from '../lib/useAsync';
import { CopyButton } from '../components/CopyButton';
import { Notice } from '../components/Notice';

export function ApiKeys() {
  const keys = useAsync(() => api.get<{ apiKeys: ApiKey[] }>('/api/api-keys').then((r) => r.apiKeys), []);
  const [name, setName] = useState('');
  const [fresh, setFresh] = useState<ApiKey>();
  const [error, setError] = useState<string>();

  const create = async () => {
    try {
      const key = await api.post<ApiKey>('/api/api-keys', { name: name.trim() || 'API key' });
      setFresh(key);
      setName('');
      void keys.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const revoke = async (k: ApiKey) => {
    if (!confirm(`Revoke “${k.name}”? Anything using it stops working.`)) return;
    try {
      await api.del(`/api/api-keys/${k.id}`);
      void keys.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <section className="panel settings-section">
      <p className="muted">API keys let your own systems use Switchboard (send messages, read contacts). Treat them like passwords.</p>
      <Notice>{error ?? keys.error}</Notice>
      {fresh?.key && (
        <div className="notice notice-warning" data-testid="new-key">
          <strong>Copy your new key now — it is shown only once.</strong>
          <pre className="code">{fresh.key}</pre>
          <CopyButton text={fresh.key} />
        </div>
      )}
      <div className="inline-form">
        <input
          placeholder="Key name, e.g. Shop website"
          value={name}
          onChange={(e) => setName(e.target.value)}
          data-testid="api-key-name"
        />
        <button className="btn btn-primary" onClick={() => void create()} data-testid="create-api-key">
          Create key
        </button>
      </div>
      {keys.data && !keys.data.length && <p className="muted small">No keys yet.</p>}
      <table className="table">
        <tbody>
          {keys.data?.map((k) => (
            <tr key={k.id}>
              <td>
                <strong>{k.name}</strong>
                <div className="muted small">
                  <code>{k.prefix}…</code>
                </div>
              </td>
              <td className="muted small">Created {timeAgo(k.createdAt)}</td>
              <td className="muted small">{k.lastUsedAt ? `Used ${timeAgo(k.lastUsedAt)}` : 'Never used'}</td>
              <td className="row-actions">
                <button className="btn btn-small btn-danger" onClick={() => void revoke(k)}>
                  Revoke
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
