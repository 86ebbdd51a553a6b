import { useState, type FormEvent } from 'react';
import { api, errorText } from '../api/client';
import { Link } from '../lib/router';
import { Notice } from '../components/Notice';
import { Icon } from '../components/Icon';

/** `/reset/:token`: sets a new password with a one-time link from an admin or the operator. */
export function ResetPage({ token }: { token: string }) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api.post('/api/auth/reset', { token, password });
      setDone(true);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="auth">
      <form className="auth-card" onSubmit={submit} data-testid="reset-form">
        <div className="brand brand-large">
          <Icon name="workflow" size={22} /> Switchboard
        </div>
        <h1>Choose a new password</h1>
        <Notice>{error}</Notice>
        {done ? (
          <>
            <Notice kind="success">Your password is changed, and you are signed out everywhere.</Notice>
            <Link className="btn btn-primary btn-block" to="/login">
              Log in
            </Link>
          </>
        ) : (
          <>
            <label className="field">
              <span>New password</span>
              <input
                name="password"
                type="password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                required
                minLength={8}
                autoComplete="new-password"
              />
              <small className="help">At least 8 characters. The link works once.</small>
            </label>
            <button className="btn btn-primary btn-block" disabled={busy} type="submit">
              {busy ? 'Please wait…' : 'Set password'}
            </button>
          </>
        )}
      </form>
    </div>
  );
}
