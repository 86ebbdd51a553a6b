import { useState } from 'react';
import { api, errorText } from '../api/client';
import type { Credential } from '../api/types';
import { timeAgo } from '../lib/format';
import { useAsync } from '../lib/useAsync';
import { Notice } from '../components/Notice';

const splitHosts = (text: string) => text.split(/[\s,]+/).filter(Boolean);

/**
 * Named secrets for HTTP steps (`{{ secrets.name }}`) and the AI key (`ai`). Values are
 * write-only: typed here, sent only to the listed hosts, never shown again.
 */
export function Credentials() {
  const list = useAsync(() => api.get<{ credentials: Credential[] }>('/api/credentials').then((r) => r.credentials), []);
  const [form, setForm] = useState({ name: '', value: '', hosts: '' });
  const [editing, setEditing] = useState<string>();
  const [error, setError] = useState<string>();

  const save = async () => {
    setError(undefined);
    try {
      const hosts = splitHosts(form.hosts);
      if (editing)
        await api.put(`/api/credentials/${editing}`, { ...(form.value ? { value: form.value } : {}), ...(hosts.length ? { hosts } : {}) });
      else await api.post('/api/credentials', { name: form.name.trim(), value: form.value, hosts });
      setForm({ name: '', value: '', hosts: '' });
      setEditing(undefined);
      void list.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const remove = async (c: Credential) => {
    if (!confirm(`Delete “${c.name}”? Steps reading {{ secrets.${c.name} }} will send nothing in its place.`)) return;
    try {
      await api.del(`/api/credentials/${c.name}`);
      void list.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <section className="panel settings-section">
      <p className="muted">
        Tokens and keys your flows send to other systems. Write <code>{'{{ secrets.name }}'}</code> in an HTTP request's address, headers or
        body; the value is sent only to the hosts you list and never shown again, in the editor, in run history or in exports. The AI key is
        the credential <code>ai</code> (host api.openai.com, or your AI address's host; pointing the AI at another address deletes it).
        HubSpot pushes use <code>hubspot</code> (host api.hubapi.com).
      </p>
      <Notice>{error ?? list.error}</Notice>
      <div className="inline-form" data-testid="credential-form">
        <input
          placeholder="Name, e.g. shop"
          value={editing ?? form.name}
          disabled={!!editing}
          onChange={(e) => setForm({ ...form, name: e.target.value })}
          data-testid="credential-name"
        />
        <input
          type="password"
          autoComplete="new-password"
          placeholder={editing ? 'New value (leave empty to keep)' : 'Value'}
          value={form.value}
          onChange={(e) => setForm({ ...form, value: e.target.value })}
          data-testid="credential-value"
        />
        <input
          placeholder="Hosts, e.g. shop.example.com"
          value={form.hosts}
          onChange={(e) => setForm({ ...form, hosts: e.target.value })}
          data-testid="credential-hosts"
        />
        <button className="btn btn-primary" onClick={() => void save()} data-testid="save-credential">
          {editing ? 'Replace' : 'Add'}
        </button>
        {editing && (
          <button className="btn" onClick={() => (setEditing(undefined), setForm({ name: '', value: '', hosts: '' }))}>
            Cancel
          </button>
        )}
      </div>
      {list.data && !list.data.length && <p className="muted small">No credentials yet.</p>}
      <table className="table">
        <tbody>
          {list.data?.map((c) => (
            <tr key={c.name}>
              <td>
                <strong>
                  <code>{c.name}</code>
                </strong>
                <div className="muted small">Sent only to {c.hosts.join(', ')}</div>
              </td>
              <td className="muted small">Changed {timeAgo(c.updatedAt)}</td>
              <td className="row-actions">
                <button
                  className="btn btn-small"
                  onClick={() => (setEditing(c.name), setForm({ name: c.name, value: '', hosts: c.hosts.join(', ') }))}
                >
                  Replace
                </button>
                <button className="btn btn-small btn-danger" onClick={() => void remove(c)}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
