import { useEffect, useState, type FormEvent } from 'react';
import { api, errorText } from '../api/client';
import type { Me } from '../api/types';
import { Link } from '../lib/router';
import { Notice } from '../components/Notice';
import { Icon } from '../components/Icon';

/** The browser's own time zone, so hours and schedules are right from the start (changeable in Settings). */
function browserTimeZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
}

export function AuthPage({ mode, onSignedIn }: { mode: 'login' | 'signup'; onSignedIn: (me: Me) => void }) {
  const [form, setForm] = useState({ name: '', email: '', password: '', workspaceName: '' });
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  // Sign-up closes once the first workspace exists (unless the operator sets SIGNUP=open).
  const [signupOpen, setSignupOpen] = useState(true);
  useEffect(() => {
    api.get<{ open: boolean }>('/api/auth/signup-status').then(
      (r) => setSignupOpen(r.open),
      () => undefined,
    );
  }, []);
  const [timezone] = useState(browserTimeZone);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const me =
        mode === 'signup'
          ? await api.post<Me>('/api/auth/signup', { ...form, timezone })
          : await api.post<Me>('/api/auth/login', { email: form.email, password: form.password });
      onSignedIn(me);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="auth">
      <form className="auth-card" onSubmit={submit} data-testid={`${mode}-form`}>
        <div className="brand brand-large">
          <Icon name="workflow" size={22} /> Switchboard
        </div>
        <h1>{mode === 'signup' ? 'Create your workspace' : 'Welcome back'}</h1>
        <p className="muted">
          {mode === 'signup'
            ? 'All your customer messages in one inbox, with automatic answers you build yourself.'
            : 'Log in to answer your customers and manage your automations.'}
        </p>
        <Notice>{error}</Notice>
        {mode === 'signup' && !signupOpen && (
          <Notice kind="info">
            Sign-up is closed on this server. Ask a workspace admin to invite you: the link they send lets you set your password.
          </Notice>
        )}
        {mode === 'signup' && (
          <>
            <label className="field">
              <span>Your name</span>
              <input name="name" value={form.name} onChange={set('name')} required autoComplete="name" />
            </label>
            <label className="field">
              <span>Business name</span>
              <input
                name="workspaceName"
                value={form.workspaceName}
                onChange={set('workspaceName')}
                required
                placeholder="Sunrise Bakery"
              />
            </label>
            {timezone && (
              <p className="small muted">Time zone: {timezone}, taken from this computer. You can change it later in Settings.</p>
            )}
          </>
        )}
        <label className="field">
          <span>Email</span>
          <input name="email" type="email" value={form.email} onChange={set('email')} required autoComplete="email" />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            name="password"
            type="password"
            value={form.password}
            onChange={set('password')}
            required
            minLength={mode === 'signup' ? 8 : undefined}
            autoComplete={mode === 'signup' ? 'new-password' : 'current-password'}
          />
          {mode === 'signup' && <small className="help">At least 8 characters.</small>}
        </label>
        <button className="btn btn-primary btn-block" disabled={busy} type="submit">
          {busy ? 'Please wait…' : mode === 'signup' ? 'Create workspace' : 'Log in'}
        </button>
        <p className="auth-switch">
          {mode === 'signup' ? (
            <>
              Already have an account? <Link to="/login">Log in</Link>
            </>
          ) : signupOpen ? (
            <>
              New to Switchboard? <Link to="/signup">Create a workspace</Link>
            </>
          ) : (
            <>No account? Ask a workspace admin for an invitation. Forgot your password? An admin can make you a reset link.</>
          )}
        </p>
      </form>
    </div>
  );
}
