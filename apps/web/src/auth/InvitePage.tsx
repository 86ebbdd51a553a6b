import { useEffect, useState, type FormEvent } from 'react';
import { api, errorText } from '../api/client';
import type { Me, Role } from '../api/types';
import { Notice, Loading } from '../components/Notice';
import { Icon } from '../components/Icon';

interface Preview {
  workspaceName: string;
  role: Role;
  expiresAt: string;
}

/**
 * `/invite/:token`: a new person sets their own name and password; someone who already has an
 * account signs in first and then joins. The page learns only the workspace name and role.
 */
export function InvitePage({
  token,
  me,
  onJoined,
  onSignedOut,
}: {
  token: string;
  me: Me | null;
  onJoined: (me: Me) => void;
  onSignedOut: () => void;
}) {
  const [preview, setPreview] = useState<Preview | null>();
  const [error, setError] = useState<string>();
  const [mode, setMode] = useState<'new' | 'existing'>('new');
  const [form, setForm] = useState({ name: '', password: '', email: '' });
  const [busy, setBusy] = useState(false);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });
  const path = `/api/invitations/${encodeURIComponent(token)}`;

  useEffect(() => {
    api.get<Preview>(path).then(setPreview, (err) => {
      setPreview(null);
      setError(errorText(err));
    });
  }, [path]);

  const run = async (step: () => Promise<Me>) => {
    setBusy(true);
    setError(undefined);
    try {
      onJoined(await step());
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (mode === 'new') void run(() => api.post<Me>(`${path}/accept`, { name: form.name, password: form.password }));
    // Signing in first: the invitation then joins that account, never another one.
    else
      void run(async () => {
        await api.post<Me>('/api/auth/login', { email: form.email, password: form.password });
        return api.post<Me>(`${path}/accept`, {});
      });
  };

  if (preview === undefined) return <Loading label="Opening your invitation…" />;
  const role = preview?.role === 'agent' ? 'an agent' : `an ${preview?.role}`;
  return (
    <div className="auth">
      <form className="auth-card" onSubmit={submit} data-testid="invite-accept">
        <div className="brand brand-large">
          <Icon name="workflow" size={22} /> Switchboard
        </div>
        <h1>{preview ? `Join ${preview.workspaceName}` : 'Invitation'}</h1>
        {preview && <p className="muted">You are invited as {role}.</p>}
        <Notice>{error}</Notice>
        {preview && me?.user && (
          <>
            <p>
              Signed in as <strong>{me.user.email}</strong>.
            </p>
            <button
              type="button"
              className="btn btn-primary btn-block"
              disabled={busy}
              onClick={() => void run(() => api.post<Me>(`${path}/accept`, {}))}
            >
              Join {preview.workspaceName}
            </button>
            <p className="auth-switch">
              Not you?{' '}
              <button type="button" className="btn-link" onClick={() => void api.post('/api/auth/logout').finally(onSignedOut)}>
                Log out
              </button>
            </p>
          </>
        )}
        {preview && !me?.user && (
          <>
            {mode === 'new' ? (
              <label className="field">
                <span>Your name</span>
                <input name="name" value={form.name} onChange={set('name')} required autoComplete="name" />
              </label>
            ) : (
              <label className="field">
                <span>Email</span>
                <input name="email" type="email" value={form.email} onChange={set('email')} required autoComplete="email" />
              </label>
            )}
            <label className="field">
              <span>{mode === 'new' ? 'Choose a password' : 'Password'}</span>
              <input
                name="password"
                type="password"
                value={form.password}
                onChange={set('password')}
                required
                minLength={mode === 'new' ? 8 : undefined}
                autoComplete={mode === 'new' ? 'new-password' : 'current-password'}
              />
              {mode === 'new' && <small className="help">At least 8 characters.</small>}
            </label>
            <button className="btn btn-primary btn-block" disabled={busy} type="submit">
              {busy ? 'Please wait…' : mode === 'new' ? 'Create my account and join' : 'Log in and join'}
            </button>
            <p className="auth-switch">
              {mode === 'new' ? 'Already have a Switchboard account? ' : 'New here? '}
              <button type="button" className="btn-link" onClick={() => setMode(mode === 'new' ? 'existing' : 'new')}>
                {mode === 'new' ? 'Log in to join' : 'Create an account'}
              </button>
            </p>
          </>
        )}
      </form>
    </div>
  );
}
