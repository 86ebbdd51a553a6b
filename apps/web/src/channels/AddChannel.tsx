import { useState, type FormEvent } from 'react';
import { api, errorText } from '../api/client';
import type { ChannelType, CreatedChannel } from '../api/types';
import { Modal } from '../components/Modal';
import { Notice } from '../components/Notice';
import { CHANNEL_FIELDS, CHANNEL_LABELS } from './channelTypes';
import { ChannelIcon } from '../components/ChannelIcon';
import { createWebsiteChat } from './webchat';

const blurbs: Record<ChannelType, string> = {
  webchat: 'A chat bubble on your website',
  whatsapp: 'WhatsApp Business (Cloud API)',
  messenger: 'Your Facebook page inbox',
  instagram: 'Instagram direct messages',
  telegram: 'A Telegram bot',
  twilio: 'Text messages through Twilio',
  email: 'An email address',
  api: 'Connect your own system',
};

export function AddChannel({ onClose, onCreated }: { onClose: () => void; onCreated: (c: CreatedChannel) => void }) {
  const [type, setType] = useState<ChannelType>();
  const [name, setName] = useState('');
  const [config, setConfig] = useState<Record<string, string>>({});
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!type) return;
    setBusy(true);
    try {
      const clean = Object.fromEntries(Object.entries(config).filter(([, v]) => v.trim() !== '').map(([k, v]) => [k, k === 'port' ? Number(v) : v.trim()]));
      onCreated(await api.post<CreatedChannel>('/api/channels', { type, name: name || CHANNEL_LABELS[type], config: clean }));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  // Website chat needs nothing filled in: one click connects it.
  const pick = async (t: ChannelType) => {
    if (t !== 'webchat') return (setType(t), setConfig(t === 'email' ? { provider: 'mailgun' } : {}));
    setBusy(true);
    try {
      onCreated(await createWebsiteChat());
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  if (!type) {
    return (
      <Modal title="Connect a channel" onClose={onClose} wide>
        <Notice>{error}</Notice>
        <div className="type-grid">
          {(Object.keys(CHANNEL_LABELS) as ChannelType[]).map((t) => (
            <button key={t} className="type-card" disabled={busy} onClick={() => void pick(t)} data-testid={`channel-type-${t}`}>
              <span className="channel-icon"><ChannelIcon type={t} size={26} /></span>
              <strong>{CHANNEL_LABELS[t]}</strong>
              <small className="muted">{blurbs[t]}</small>
            </button>
          ))}
        </div>
      </Modal>
    );
  }
  return (
    <Modal title={`Connect ${CHANNEL_LABELS[type]}`} onClose={onClose}>
      <form onSubmit={submit} data-testid="channel-form">
        <Notice>{error}</Notice>
        <label className="field">
          <span>Name (for you)</span>
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder={CHANNEL_LABELS[type]} data-testid="channel-name" />
        </label>
        {CHANNEL_FIELDS[type].map((f) => (
          <label className="field" key={f.key}>
            <span>{f.label}{f.optional && <span className="optional"> (optional)</span>}</span>
            {f.options ? (
              <select value={config[f.key] ?? f.options[0]} onChange={(e) => setConfig({ ...config, [f.key]: e.target.value })}>
                {f.options.map((o) => <option key={o} value={o}>{o}</option>)}
              </select>
            ) : (
              <input
                type={f.secret ? 'password' : 'text'}
                autoComplete="off"
                required={!f.optional}
                value={config[f.key] ?? ''}
                placeholder={f.placeholder}
                onChange={(e) => setConfig({ ...config, [f.key]: e.target.value })}
                data-testid={`channel-config-${f.key}`}
              />
            )}
            {f.help && <small className="help">{f.help}</small>}
          </label>
        ))}
        <div className="form-foot">
          <button type="button" className="btn" onClick={() => setType(undefined)}>Back</button>
          <button className="btn btn-primary" disabled={busy} data-testid="channel-save">{busy ? 'Connecting…' : 'Connect'}</button>
        </div>
      </form>
    </Modal>
  );
}
