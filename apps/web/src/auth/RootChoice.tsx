import { useEffect } from 'react';
import { api } from '../api/client';
import { Loading } from '../components/Notice';
import { navigate } from '../lib/router';

const SIGNED_IN_HERE = 'switchboard:signed-in-here';

/** Remembers that this browser has signed in before, so "/" offers it the login form. */
export function rememberSignedIn() {
  try {
    localStorage.setItem(SIGNED_IN_HERE, '1');
  } catch {
    // storage disabled: "/" shows sign-up while it is open, with a link to log in
  }
}

function signedInHere(): boolean {
  try {
    return localStorage.getItem(SIGNED_IN_HERE) === '1';
  } catch {
    return false;
  }
}

/**
 * The root page for someone not signed in. On a fresh install nobody has an account yet, so
 * the first visitor is sent to sign-up (the server says whether sign-up is open: it closes once
 * the first workspace exists, unless the operator opened it); everyone else gets the login form.
 */
export function RootChoice() {
  useEffect(() => {
    let cancelled = false;
    const go = (to: string) => !cancelled && navigate(to, { replace: true });
    api.get<{ open: boolean }>('/api/auth/signup-status').then(
      (r) => go(r.open && !signedInHere() ? '/signup' : '/login'),
      () => go('/login'),
    );
    return () => {
      cancelled = true;
    };
  }, []);
  return <Loading label="Opening Switchboard…" />;
}
