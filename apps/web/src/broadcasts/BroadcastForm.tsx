import { useEffect, useState, type FormEvent } from 'react';
import { api, errorText } from '../api/client';
import type { Channel } from '../api/types';
import type { MessageTemplate } from './types';

/** Channels a business may message first: website chat visitors cannot be. */
const canBroadcast = (channel: Channel) => channel.type !== 'webchat';

export function BroadcastForm({ channels, onCreated, onCancel }: { channels: Channel[]; onCreated: () => void; onCancel: () => void }) {
  const usable = channels.filter(canBroadcast);
  const [name, setName] = useState('');
  const [channelId, setChannelId] = useState(usable[0]?.id ?? '');
  const [text, setText] = useState('');
  const [tags, setTags] = useState('');
  const [when, setWhen] = useState('');
  const [templates, setTemplates] = useState<MessageTemplate[]>([]);
  const [template, setTemplate] = useState('');
  const [variables, setVariables] = useState<string[]>([]);
  const [headerMediaUrl, setHeaderMediaUrl] = useState('');
  const [error, setError] = useState<string>();
  const channel = usable.find((c) => c.id === channelId);
  const isWhatsApp = channel?.type === 'whatsapp';
  const chosen = templates.find((t) => `${t.name}|${t.language}` === template);

  useEffect(() => {
    setTemplates([]);
    setTemplate('');
    if (!isWhatsApp) return;
    api
      .get<{ templates: MessageTemplate[] }>(`/api/channels/${channelId}/templates`)
      .then((r) => setTemplates(r.templates.filter((t) => t.sendable)))
      .catch((err) => setError(errorText(err)));
  }, [channelId, isWhatsApp]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    const tagList = tags
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    try {
      await api.post('/api/broadcasts', {
        name: name.trim(),
        channelId,
        text: chosen ? chosen.body : text,
        segment: tagList.length ? { tags: tagList } : {},
        ...(when && { scheduledAt: new Date(when).toISOString() }),
        ...(chosen && {
          whatsappTemplate: { name: chosen.name, language: chosen.language, variables, ...(headerMediaUrl && { headerMediaUrl }) },
        }),
      });
      onCreated();
    } catch (err) {
      setError(errorText(err));
    }
  };

  if (usable.length === 0)
    return (
      <p className="card">
        Connect an SMS, WhatsApp, Messenger, Instagram, Telegram, email or API channel first: website chat visitors cannot be messaged
        first.
      </p>
    );
  return (
    <form className="card kb-form" onSubmit={submit} data-testid="broadcast-form">
      <label className="field">
        <span>Name</span>
        <input value={name} onChange={(e) => setName(e.target.value)} required placeholder="Spring sale" />
      </label>
      <label className="field">
        <span>Channel</span>
        <select value={channelId} onChange={(e) => setChannelId(e.target.value)}>
          {usable.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      {isWhatsApp ? (
        <>
          <label className="field">
            <span>WhatsApp template</span>
            <select
              value={template}
              onChange={(e) => {
                setTemplate(e.target.value);
                setVariables([]);
              }}
              required
            >
              <option value="">Choose an approved template</option>
              {templates.map((t) => (
                <option key={`${t.name}|${t.language}`} value={`${t.name}|${t.language}`}>
                  {t.name} ({t.language})
                </option>
              ))}
            </select>
            <small>
              WhatsApp only delivers approved templates to customers who have not written in 24 hours. Sync them on the Channels page.
            </small>
          </label>
          {chosen && <p className="muted">{chosen.body}</p>}
          {chosen?.parameters.map((p, i) => (
            <label className="field" key={p}>
              <span>Value for {`{{${p}}}`}</span>
              <input
                value={variables[i] ?? ''}
                required
                onChange={(e) => setVariables((v) => Object.assign([...v], { [i]: e.target.value }))}
              />
            </label>
          ))}
          {chosen?.header && chosen.header.format !== 'TEXT' && (
            <label className="field">
              <span>Header {chosen.header.format.toLowerCase()} link</span>
              <input
                type="url"
                value={headerMediaUrl}
                required
                onChange={(e) => setHeaderMediaUrl(e.target.value)}
                placeholder="https://…"
              />
            </label>
          )}
        </>
      ) : (
        <label className="field">
          <span>Message</span>
          <textarea rows={3} value={text} onChange={(e) => setText(e.target.value)} required placeholder="Half-price cakes this weekend!" />
        </label>
      )}
      <label className="field">
        <span>Contacts tagged (all of, comma-separated; empty: everyone on the channel)</span>
        <input value={tags} onChange={(e) => setTags(e.target.value)} placeholder="vip, newsletter" />
      </label>
      <label className="field">
        <span>Send at (empty: now)</span>
        <input type="datetime-local" value={when} onChange={(e) => setWhen(e.target.value)} />
      </label>
      <small>
        Contacts who texted STOP are skipped. Messages leave at the channel's pace (50 a second unless the channel sets its own).
      </small>
      {error && <small className="field-error">{error}</small>}
      <div className="form-foot">
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button className="btn btn-primary" data-testid="broadcast-save">
          {when ? 'Schedule' : 'Send now'}
        </button>
      </div>
    </form>
  );
}
