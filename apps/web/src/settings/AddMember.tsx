import { useState, type FormEvent } from 'react';
import { api, errorText } from '../api/client';
import type { Role } from '../api/types';

export function AddMember({ onAdded }: { onAdded: () => void }) {
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState({ name: '', email: '', password: '', role: 'agent' as Role });
  const [error, setError] = useState<string>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await api.post('/api/members', form);
      setForm({ name: '', email: '', password: '', role: 'agent' });
      setOpen(false);
      onAdded();
    } catch (err) {
      setError(errorText(err));
    }
  };
  if (!open) return <button className="btn" onClick={() => setOpen(true)}>+ Add a person</button>;
  return (
    <form className="card inline-card" onSubmit={submit}>
      {error && <small className="field-error">{error}</small>}
      <div className="grid-2">
        <label className="field"><span>Name</span><input required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} /></label>
        <label className="field"><span>Email</span><input required type="email" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} /></label>
        <label className="field"><span>First password (they can change it)</span><input required minLength={8} type="password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} /></label>
        <label className="field">
          <span>Role</span>
          <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
            <option value="agent">Agent — answers conversations</option>
            <option value="admin">Admin — also edits flows and settings</option>
          </select>
        </label>
      </div>
      <div className="form-foot">
        <button type="button" className="btn" onClick={() => setOpen(false)}>Cancel</button>
        <button className="btn btn-primary">Add</button>
      </div>
    </form>
  );
}
