import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, onUnauthorized } from './api/client';
import type { Me } from './api/types';
import { AuthPage } from './auth/AuthPage';
import { InvitePage } from './auth/InvitePage';
import { ResetPage } from './auth/ResetPage';
import { rememberSignedIn, RootChoice } from './auth/RootChoice';
import { SessionContext, type Session } from './auth/session';
import { Loading } from './components/Notice';
import { Toasts } from './components/toast';
import { closeStream } from './lib/stream';
import { match, navigate, usePath } from './lib/router';
import { Nav } from './shell/Nav';
import { FlowsPage } from './flows/FlowsPage';
import { InboxPage } from './inbox/InboxPage';
import { ChannelsPage } from './channels/ChannelsPage';
import { ContactsPage } from './contacts/ContactsPage';
import { ContactDetailPage } from './contacts/ContactDetailPage';
import { KnowledgePage } from './knowledge/KnowledgePage';
import { BroadcastsPage } from './broadcasts/BroadcastsPage';
import { SettingsPage } from './settings/SettingsPage';
import { TemplatesPage } from './templates/TemplatesPage';
import { GetStartedPage } from './setup/GetStartedPage';
import { homePath } from './setup/guide';
import { InboxVisitRecorder } from './setup/InboxVisit';
import { WaitingAlerts } from './inbox/useWaitingAlerts';

// Imported eagerly: React Flow is in the main bundle anyway (template previews), and a lazy
// editor costs React 19's 300 ms Suspense reveal throttle on every opening of a flow.
import FlowEditor from './editor/FlowEditor';

function Screen({ path }: { path: string }) {
  let m: Record<string, string> | null;
  if ((m = match('/flows/:id', path))) return <FlowEditor key={m.id} id={m.id!} />;
  if (path === '/flows') return <FlowsPage />;
  if (path === '/start') return <GetStartedPage />;
  if (path === '/templates') return <TemplatesPage />;
  if ((m = match('/inbox/:id', path))) return <InboxPage selectedId={m.id} />;
  if (path === '/inbox') return <InboxPage />;
  if ((m = match('/contacts/:id', path))) return <ContactDetailPage id={m.id!} />;
  if (path === '/contacts') return <ContactsPage />;
  if (path === '/knowledge') return <KnowledgePage />;
  if (path === '/broadcasts') return <BroadcastsPage />;
  if (path === '/channels') return <ChannelsPage />;
  if (path.startsWith('/settings')) return <SettingsPage />;
  return <InboxPage />;
}

export function App() {
  const path = usePath();
  const [me, setMe] = useState<Me | null | undefined>(undefined);

  const refresh = useCallback(async () => {
    try {
      const next = await api.get<Me>('/api/me');
      setMe(next.user ? next : null);
    } catch {
      setMe(null);
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);
  useEffect(() => onUnauthorized(() => setMe(null)), []);

  const session = useMemo<Session | null>(
    () =>
      me
        ? {
            me,
            refresh,
            logout: async () => {
              await api.post('/api/auth/logout').catch(() => undefined);
              closeStream();
              setMe(null);
              navigate('/login');
            },
          }
        : null,
    [me, refresh],
  );

  if (me === undefined) return <Loading label="Opening Switchboard…" />;
  // One-time links work whether or not someone is signed in.
  let link: Record<string, string> | null;
  if ((link = match('/invite/:token', path))) {
    return (
      <InvitePage
        token={link.token!}
        me={me}
        onJoined={(next) => {
          setMe(next);
          navigate('/inbox', { replace: true });
        }}
        onSignedOut={() => setMe(null)}
      />
    );
  }
  if ((link = match('/reset/:token', path))) return <ResetPage token={link.token!} />;
  const entry = path === '/' || path === '/login' || path === '/signup';
  if (!session) {
    if (path === '/') return <RootChoice />;
    const mode = path === '/signup' ? 'signup' : 'login';
    return (
      <AuthPage
        mode={mode}
        onSignedIn={(next) => {
          rememberSignedIn();
          setMe(next);
          navigate(mode === 'signup' ? '/start' : entry ? homePath(next) : path, { replace: true });
        }}
      />
    );
  }
  if (entry) queueMicrotask(() => navigate(homePath(session.me), { replace: true }));

  return (
    <SessionContext.Provider value={session}>
      <div className={`app ${/^\/flows\/[^/]+/.test(path) ? 'compact' : ''}`}>
        <Nav />
        <main className="main">
          <Screen path={path} />
        </main>
      </div>
      <Toasts />
      <InboxVisitRecorder path={path} />
      <WaitingAlerts />
    </SessionContext.Provider>
  );
}
