import { useState } from 'react';
import { api, errorText, qs } from '../api/client';
import type { Contact } from '../api/types';
import { contactName, timeAgo } from '../lib/format';
import { Link, navigate } from '../lib/router';
import { useAsync } from '../lib/useAsync';
import { EmptyState } from '../components/EmptyState';
import { Notice } from '../components/Notice';
import { PageHeader } from '../components/PageHeader';
import { Modal } from '../components/Modal';

export function ContactsPage() {
  const [q, setQ] = useState('');
  const [tag, setTag] = useState('');
  const contacts = useAsync(() => api.get<{ contacts: Contact[] }>(`/api/contacts${qs({ q, tag })}`).then((r) => r.contacts), [q, tag]);
  const [adding, setAdding] = useState(false);
  return (
    <div className="page">
      <PageHeader
        title="Contacts"
        subtitle="Everyone who wrote to you, on any channel, with what you know about them."
        actions={
          <button className="btn btn-primary" onClick={() => setAdding(true)}>
            + Add contact
          </button>
        }
      />
      <div className="filter-row">
        <input
          type="search"
          className="search"
          placeholder="Search by name, email or phone"
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
        <input className="search narrow" placeholder="Tag" value={tag} onChange={(e) => setTag(e.target.value)} />
      </div>
      <Notice>{contacts.error}</Notice>
      {contacts.data && !contacts.data.length && (
        <EmptyState icon="users" title={q || tag ? 'No contact matches' : 'No contacts yet'}>
          {q || tag
            ? 'Try another search.'
            : 'Contacts are created automatically when customers write to you. You can also add one by hand.'}
        </EmptyState>
      )}
      {contacts.data && contacts.data.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Email</th>
              <th>Phone</th>
              <th>Tags</th>
              <th>Since</th>
            </tr>
          </thead>
          <tbody>
            {contacts.data.map((c) => (
              <tr key={c.id} onClick={() => navigate(`/contacts/${c.id}`)} className="clickable">
                <td>
                  <Link to={`/contacts/${c.id}`} className="strong">
                    {contactName(c)}
                  </Link>
                </td>
                <td>{c.email ?? '—'}</td>
                <td>{c.phone ?? '—'}</td>
                <td>
                  {c.tags?.map((t) => (
                    <span key={t} className="badge">
                      {t}
                    </span>
                  ))}
                </td>
                <td className="muted">{timeAgo(c.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {adding && <AddContact onClose={() => setAdding(false)} />}
    </div>
  );
}

function AddContact({ onClose }: { onClose: () => void }) {
  const [form, setForm] = useState({ name: '', email: '', phone: '' });
  const [error, setError] = useState<string>();
  const save = async () => {
    try {
      const c = await api.post<Contact>('/api/contacts', Object.fromEntries(Object.entries(form).filter(([, v]) => v)));
      navigate(`/contacts/${c.id}`);
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <Modal title="Add a contact" onClose={onClose}>
      <Notice>{error}</Notice>
      {(['name', 'email', 'phone'] as const).map((k) => (
        <label className="field" key={k}>
          <span>{k[0]!.toUpperCase() + k.slice(1)}</span>
          <input value={form[k]} onChange={(e) => setForm({ ...form, [k]: e.target.value })} />
        </label>
      ))}
      <button className="btn btn-primary" onClick={() => void save()}>
        Save contact
      </button>
    </Modal>
  );
}
