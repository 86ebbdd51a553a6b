import { useCallback, useEffect, useState } from 'react';
import { api, errorText } from '../api/client';
import type { CreatedChannel, Requirement, WorkflowDetail } from '../api/types';
import { useSession } from '../auth/session';
import { Loading, Notice } from '../components/Notice';
import { PageHeader } from '../components/PageHeader';
import { openImported } from '../flows/FlowsPage';
import { useAsync } from '../lib/useAsync';
import { Link, navigate } from '../lib/router';
import { canSetUp, RECOMMENDED_TEMPLATE, saveSetup, setupRecord } from './guide';
import { loadProgress } from './progress';
import { SetupStep } from './SetupStep';
import './setup.css';
import { Icon } from '../components/Icon';

/** The first-run guide: five steps from an empty workspace to a bot answer seen in the inbox. */
export function GetStartedPage() {
  const { me, refresh } = useSession();
  const record = setupRecord(me);
  const progress = useAsync(() => loadProgress(record), [record.inboxSeenAt]);
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();

  // Coming back from the preview tab shows what changed there.
  const { reload } = progress;
  useEffect(() => {
    const again = () => document.visibilityState === 'visible' && void reload();
    window.addEventListener('focus', again);
    document.addEventListener('visibilitychange', again);
    return () => {
      window.removeEventListener('focus', again);
      document.removeEventListener('visibilitychange', again);
    };
  }, [reload]);

  const act = useCallback(async (name: string, work: () => Promise<void>) => {
    setBusy(name);
    setError(undefined);
    try {
      await work();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(undefined);
    }
  }, []);

  const addWebsiteChat = () =>
    act('webchat', async () => {
      await api.post<CreatedChannel>('/api/channels', { type: 'webchat', name: 'Website chat', config: {} });
      await reload();
    });
  const pickRecommended = () =>
    act('template', async () => {
      const res = await api.post<{ workflow: WorkflowDetail; requires: Requirement[] }>(`/api/templates/${RECOMMENDED_TEMPLATE}/import`);
      openImported(res.workflow, res.requires);
    });
  const setDismissed = (dismissed: boolean) =>
    act('dismiss', async () => {
      await saveSetup({ dismissed });
      await refresh();
      if (dismissed) navigate('/inbox');
    });

  if (!canSetUp(me)) {
    return (
      <div className="page">
        <PageHeader title="Get started" />
        <Notice kind="info">An admin of {me.workspace.name} sets up channels and flows. Your conversations are in the inbox.</Notice>
        <Link to="/inbox" className="btn btn-primary">
          Open the inbox
        </Link>
      </div>
    );
  }

  const p = progress.data;
  const done = p ? [!!p.webchat, p.hasFlow, p.published, p.tried, p.seen] : [];
  const count = done.filter(Boolean).length;
  const current = done.indexOf(false);
  const step = (i: number) => ({ n: i + 1, done: !!done[i], current: current === i });

  return (
    <div className="page setup-page">
      <PageHeader
        title="Get started"
        subtitle="Five steps from an empty workspace to your first automatic answer. It takes about five minutes."
        actions={
          record.dismissedAt ? undefined : (
            <button className="btn" disabled={!!busy} onClick={() => void setDismissed(true)}>
              Hide this guide
            </button>
          )
        }
      />
      <Notice>{error ?? progress.error}</Notice>
      {record.dismissedAt && (
        <Notice kind="info">
          You closed this guide; it is not in the menu any more.{' '}
          <button className="btn-link" onClick={() => void setDismissed(false)}>
            Show it in the menu again
          </button>
        </Notice>
      )}
      {!p && progress.loading && <Loading />}
      {p && (
        <>
          <div className="setup-progress">
            <div
              role="progressbar"
              aria-label="Setup progress"
              aria-valuemin={0}
              aria-valuemax={5}
              aria-valuenow={count}
              className="setup-bar"
            >
              <span style={{ width: `${count * 20}%` }} />
            </div>
            <span className="muted">{count} of 5 done</span>
          </div>
          {count === 5 && (
            <Notice kind="success">
              All set! Your website chat answers by itself, and every conversation lands in your inbox. You can hide this guide now.
            </Notice>
          )}
          <ol className="setup-steps">
            <SetupStep {...step(0)} title="Add a chat bubble to your website">
              {p.webchat ? (
                <p className="muted">
                  Your website chat is ready. Change its colours and greeting, and get the code for your website, in{' '}
                  <Link to="/channels">Channels</Link>.
                </p>
              ) : (
                <>
                  <p className="muted">Visitors of your website click the bubble and write to you. Their messages arrive here.</p>
                  <button className="btn btn-primary" disabled={!!busy} onClick={() => void addWebsiteChat()}>
                    {busy === 'webchat' ? 'Adding…' : 'Add website chat'}
                  </button>
                </>
              )}
            </SetupStep>
            <SetupStep {...step(1)} title="Pick a starting flow">
              {p.hasFlow && p.flow ? (
                <p className="muted">
                  You have a flow: <Link to={`/flows/${p.flow.id}`}>{p.flow.name}</Link>. More ready-made flows are in{' '}
                  <Link to="/templates">Templates</Link>.
                </p>
              ) : (
                <>
                  <p className="muted">
                    A flow is what answers your customers. “Welcome with a menu” greets every new visitor and offers buttons: opening hours,
                    delivery, prices, or talk to you.
                  </p>
                  <div className="setup-actions">
                    <button className="btn btn-primary" disabled={!!busy} onClick={() => void pickRecommended()}>
                      {busy === 'template' ? 'Adding…' : 'Use “Welcome with a menu”'}
                    </button>
                    <Link to="/templates">See all templates</Link>
                  </div>
                </>
              )}
            </SetupStep>
            <SetupStep {...step(2)} title="Publish it">
              {p.published ? (
                <p className="muted">Your flow is live: it answers new conversations.</p>
              ) : p.flow ? (
                <>
                  <p className="muted">
                    Open your flow, put in your own details, and press Publish. Until then nobody gets an automatic answer.
                  </p>
                  <Link to={`/flows/${p.flow.id}`} className="btn">
                    Open “{p.flow.name}”
                  </Link>
                </>
              ) : (
                <p className="muted">Pick a flow first.</p>
              )}
            </SetupStep>
            <SetupStep {...step(3)} title="Try it on your preview page">
              {p.webchat ? (
                <>
                  <p className="muted">
                    {p.tried
                      ? 'A conversation came in through your website chat.'
                      : 'A page with your chat bubble on it, made for trying. Click the bubble and say hello, as a customer would.'}
                    {!p.published && ' Publish your flow first, so the bot can answer.'}
                  </p>
                  <a
                    className={`btn${current === 3 ? ' btn-primary' : ''}`}
                    href={`/preview/${p.webchat.id}`}
                    target="_blank"
                    rel="noopener"
                  >
                    Open the preview page <Icon name="external-link" size={14} />
                  </a>
                </>
              ) : (
                <p className="muted">Add website chat first; its preview page appears here.</p>
              )}
            </SetupStep>
            <SetupStep {...step(4)} title="See the conversation in your inbox">
              <p className="muted">
                {p.seen
                  ? 'You have seen your first conversation. Answer customers yourself from the inbox at any time.'
                  : 'Every conversation arrives in the inbox, with the bot’s answers. You can take over and reply yourself.'}
              </p>
              {!p.seen && (
                <Link to="/inbox" className={`btn${current === 4 ? ' btn-primary' : ''}`}>
                  Open the inbox
                </Link>
              )}
            </SetupStep>
          </ol>
          {count === 5 && !record.dismissedAt && (
            <button className="btn btn-primary" disabled={!!busy} onClick={() => void setDismissed(true)}>
              Close the guide
            </button>
          )}
        </>
      )}
    </div>
  );
}
