import { useEffect, useState } from 'react';
import { api, errorText } from '../api/client';
import type { Workspace } from '../api/types';
import { useSession } from '../auth/session';
import { Notice } from '../components/Notice';
import { toast } from '../components/toast';
import { HolidaysInput } from './HolidaysInput';
import { BusinessHours } from './BusinessHours';
import { UnansweredSetting } from './UnansweredSetting';

const zones: string[] = (() => {
  try {
    return (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone');
  } catch {
    return ['UTC'];
  }
})();

export function WorkspaceSettings() {
  const { me, refresh } = useSession();
  const [ws, setWs] = useState<Workspace>(me.workspace);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    // The saved workspace, unless the person already started editing the one the session had.
    api
      .get<Workspace>('/api/workspace')
      .then((fresh) => setWs((current) => (current === me.workspace ? fresh : current)))
      .catch(() => undefined);
  }, []);

  const save = async () => {
    setBusy(true);
    try {
      setWs(
        await api.patch<Workspace>('/api/workspace', {
          name: ws.name,
          timezone: ws.timezone,
          businessHours: ws.businessHours,
          holidays: ws.holidays,
          settings: {
            expectedReplyMinutes: ws.settings.expectedReplyMinutes,
            retentionDays: ws.settings.retentionDays ?? null,
            unanswered: { enabled: ws.settings.unanswered?.enabled ?? true, text: ws.settings.unanswered?.text?.trim() || null },
            crm: {
              logTranscriptOnResolve: Boolean(ws.settings.crm?.logTranscriptOnResolve),
              webhookUrl: ws.settings.crm?.webhookUrl || null,
            },
          },
        }),
      );
      setError(undefined);
      toast('Settings saved.');
      void refresh();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel settings-section">
      <Notice>{error}</Notice>
      <div className="grid-2">
        <label className="field">
          <span>Business name</span>
          <input value={ws.name} onChange={(e) => setWs({ ...ws, name: e.target.value })} />
        </label>
        <label className="field">
          <span>Time zone</span>
          <select value={ws.timezone} onChange={(e) => setWs({ ...ws, timezone: e.target.value })}>
            {!zones.includes(ws.timezone) && <option value={ws.timezone}>{ws.timezone}</option>}
            {zones.map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
        </label>
      </div>
      <h3>Opening hours</h3>
      <p className="muted small">The “Business hours” step uses these to answer differently when you are closed.</p>
      <BusinessHours value={ws.businessHours ?? {}} onChange={(businessHours) => setWs({ ...ws, businessHours })} />
      <h3>Holidays</h3>
      <p className="muted small">Days you are closed all day. The “Business hours” step treats them as closed.</p>
      <HolidaysInput value={ws.holidays ?? []} onChange={(holidays) => setWs({ ...ws, holidays })} />
      <label className="field">
        <span>Usual reply time, in minutes (told to customers when a person takes over)</span>
        <input
          type="number"
          min={1}
          value={ws.settings?.expectedReplyMinutes ?? ''}
          onChange={(e) =>
            setWs({ ...ws, settings: { ...ws.settings, expectedReplyMinutes: e.target.value ? Number(e.target.value) : undefined } })
          }
        />
      </label>
      <label className="field">
        <span>Keep messages for this many days (empty: keep forever)</span>
        <input
          type="number"
          min={1}
          max={3650}
          value={ws.settings?.retentionDays ?? ''}
          onChange={(e) =>
            setWs({ ...ws, settings: { ...ws.settings, retentionDays: e.target.value ? Number(e.target.value) : undefined } })
          }
          data-testid="retention-days"
        />
      </label>
      <p className="muted small">Older messages, with their attachments, are deleted every night (03:00 UTC). This cannot be undone.</p>
      <UnansweredSetting
        value={ws.settings.unanswered}
        expectedReplyMinutes={ws.settings.expectedReplyMinutes}
        onChange={(unanswered) => setWs({ ...ws, settings: { ...ws.settings, unanswered } })}
      />
      <h3>CRM</h3>
      <label className="check">
        <input
          type="checkbox"
          checked={Boolean(ws.settings.crm?.logTranscriptOnResolve)}
          onChange={(e) =>
            setWs({ ...ws, settings: { ...ws.settings, crm: { ...ws.settings.crm, logTranscriptOnResolve: e.target.checked } } })
          }
        />
        <span>Send each conversation's transcript to your CRM when it is resolved</span>
      </label>
      <p className="muted small">
        It goes to HubSpot when you have saved a credential named “hubspot” (Settings → Credentials), and to the webhook below when you set
        one. The result shows on the contact's timeline.
      </p>
      <label className="field">
        <span>CRM webhook address (optional)</span>
        <input
          type="url"
          placeholder="https://crm.example.com/hooks/switchboard"
          value={ws.settings.crm?.webhookUrl ?? ''}
          onChange={(e) => setWs({ ...ws, settings: { ...ws.settings, crm: { ...ws.settings.crm, webhookUrl: e.target.value } } })}
        />
      </label>
      <div className="form-foot">
        <button className="btn btn-primary" onClick={() => void save()} disabled={busy} data-testid="save-workspace">
          {busy ? 'Saving…' : 'Save'}
        </button>
      </div>
    </section>
  );
}
