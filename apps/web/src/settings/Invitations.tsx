import { useState, type FormEvent } from 'react';
import { api, errorText } from '../api/client';
import type { Role } from '../api/types';
import { timeAgo } from '../lib/format';
import { useAsync } from '../lib/useAsync';
import { CopyButton } from '../components/CopyButton';
import { Notice } from '../components/Notice';

interface Invitation {
  id: string;
  email: string;
  role: Role;
  expiresAt: string;
  expired: boolean;
  createdAt: string;
}
interface Created extends Invitation {
  url: string;
  emailed: boolean;
}

/** Invite people by email: a one-time link to copy (also mailed when the workspace has an email channel). */
export function Invitations({ canInviteOwners }: { canInviteOwners: boolean }) {
  const pending = useAsync(() => api.get<{ invitations: Invitation[] }>('/api/members/invitations').then((r) => r.invitations), []);
  const [form, setForm] = useState({ email: '', role: 'agent' as Role });
  const [created, setCreated] = useState<Created>();
  const [error, setError] = useState<string>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      setCreated(await api.post<Created>('/api/members/invitations', form));
      setForm({ email: '', role: form.role });
      void pending.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const revoke = async (i: Invitation) => {
    try {
      await api.del(`/api/members/invitations/${i.id}`);
      if (created?.id === i.id) setCreated(undefined);
      void pending.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <div className="invitations">
      <form className="inline-form" onSubmit={submit} data-testid="invite-form">
        <input
          required
          type="email"
          placeholder="Their email"
          value={form.email}
          onChange={(e) => setForm({ ...form, email: e.target.value })}
          aria-label="Email"
        />
        <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })} aria-label="Role">
          <option value="agent">Agent — answers conversations</option>
          <option value="admin">Admin — also edits flows and settings</option>
          {canInviteOwners && <option value="owner">Owner — everything, including owners</option>}
        </select>
        <button className="btn btn-primary">Invite</button>
      </form>
      <Notice>{error ?? pending.error}</Notice>
      {created && (
        <div className="notice notice-success" data-testid="invite-link">
          <strong>{created.emailed ? `Invitation mailed to ${created.email}.` : `Send this link to ${created.email}.`}</strong> It works
          once, for 7 days; they choose their own password. It is shown only now.
          <pre className="code">{created.url}</pre>
          <CopyButton text={created.url} label="Copy link" />
        </div>
      )}
      {!!pending.data?.length && (
        <table className="table" data-testid="pending-invitations">
          <tbody>
            {pending.data.map((i) => (
              <tr key={i.id}>
                <td>
                  {i.email}
                  <div className="muted small">{i.role}</div>
                </td>
                <td className="muted small">{i.expired ? 'Expired — invite again for a new link' : `Invited ${timeAgo(i.createdAt)}`}</td>
                <td className="row-actions">
                  <button className="btn btn-small btn-danger" onClick={() => void revoke(i)}>
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
