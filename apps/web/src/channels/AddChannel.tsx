import { useState, type FormEvent } from 'react';
import { api, errorText } from '../api/client';
import type { ChannelType, CreatedChannel } from '../api/types';
import { Modal } from '../components/Modal';
import { Notice } from '../components/Notice';
import { CHANNEL_BLURBS, CHANNEL_FIELDS, CHANNEL_LABELS, CHANNEL_TYPES, channelConfig } from './channelTypes';
import { ChannelIcon } from '../components/ChannelIcon';
import { createWebsiteChat } from './webchat';

export function AddChannel({ onClose, onCreated }: { onClose: () => void; onCreated: (c: CreatedChannel) => void }) {
  const [type, setType] = useState<ChannelType>();
  const [name, setName] = useState('');
  const [config, setConfig] = useState<Record<string, string | boolean>>({});
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!type) return;
    setBusy(true);
    try {
      onCreated(
        await api.post<CreatedChannel>('/api/channels', { type, name: name || CHANNEL_LABELS[type], config: channelConfig(type, config) }),
      );
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  // Website chat needs nothing filled in: one click connects it.
  const pick = async (t: ChannelType) => {
    // A choice starts on its first option, as the select shows it.
    const choices = CHANNEL_FIELDS[t].flatMap((f) => (f.options?.[0] ? [[f.key, f.options[0]]] : []));
    if (t !== 'webchat') return (setType(t), setConfig(Object.fromEntries(choices)));
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
          {CHANNEL_TYPES.map((t) => (
            <button key={t} className="type-card" disabled={busy} onClick={() => void pick(t)} data-testid={`channel-type-${t}`}>
              <span className="channel-icon">
                <ChannelIcon type={t} size={26} />
              </span>
              <strong>{CHANNEL_LABELS[t]}</strong>
              <small className="muted">{CHANNEL_BLURBS[t]}</small>
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
            <span>
              {f.label}
              {f.optional && <span className="optional"> (optional)</span>}
            </span>
            {f.options ? (
              <select value={String(config[f.key] ?? f.options[0])} onChange={(e) => setConfig({ ...config, [f.key]: e.target.value })}>
                {f.options.map((o) => (
                  <option key={o} value={o}>
                    {o}
                  </option>
                ))}
              </select>
            ) : f.kind === 'switch' ? (
              <input
                type="checkbox"
                checked={config[f.key] === true}
                onChange={(e) => setConfig({ ...config, [f.key]: e.target.checked })}
                data-testid={`channel-config-${f.key}`}
              />
            ) : (
              <input
                type={f.secret ? 'password' : f.kind === 'number' ? 'number' : 'text'}
                autoComplete="off"
                required={!f.optional}
                value={String(config[f.key] ?? '')}
                placeholder={f.placeholder}
                onChange={(e) => setConfig({ ...config, [f.key]: e.target.value })}
                data-testid={`channel-config-${f.key}`}
              />
            )}
            {f.help && <small className="help">{f.help}</small>}
          </label>
        ))}
        <div className="form-foot">
          <button type="button" className="btn" onClick={() => setType(undefined)}>
            Back
          </button>
          <button className="btn btn-primary" disabled={busy} data-testid="channel-save">
            {busy ? 'Connecting…' : 'Connect'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
