import './template-composer.css';
import { useState, type FormEvent } from 'react';
import { api, errorText } from '../api/client';
import { useAsync } from '../lib/useAsync';

interface Template {
  name: string;
  language: string;
  body: string;
  parameters: string[];
  header: { format: string } | null;
  buttons: { type: string; text: string; index: number }[];
}

interface ReplyOptions {
  windowOpen: boolean;
  outsideWindow: 'free' | 'template' | 'human_agent';
  templates: Template[];
}

/**
 * Once the customer has not written for 24 hours, WhatsApp delivers only approved templates: the
 * reply box then offers them, with a field for each value the template asks for. Nothing shows
 * while a free-form reply can still reach the customer.
 */
export function TemplateComposer({ conversationId }: { conversationId: string }) {
  const options = useAsync(() => api.get<ReplyOptions>(`/api/conversations/${conversationId}/templates`), [conversationId]);
  const [chosen, setChosen] = useState('');
  const [values, setValues] = useState<string[]>([]);
  const [headerMediaUrl, setHeaderMediaUrl] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const data = options.data;
  if (!data || data.windowOpen || data.outsideWindow !== 'template') return null;
  const template = data.templates.find((t) => `${t.name}|${t.language}` === chosen);
  const mediaHeader = template?.header && template.header.format !== 'TEXT' ? template.header.format.toLowerCase() : null;
  const quickReplies = template?.buttons.filter((b) => b.type === 'QUICK_REPLY') ?? [];

  const send = async (e: FormEvent) => {
    e.preventDefault();
    if (!template) return;
    setBusy(true);
    setError(undefined);
    try {
      await api.post(`/api/conversations/${conversationId}/template-messages`, {
        name: template.name,
        language: template.language,
        variables: values.slice(0, template.parameters.length),
        ...(mediaHeader && { headerMediaUrl }),
        ...(quickReplies.length > 0 && { buttonPayloads: quickReplies.map((b) => b.text) }),
      });
      setChosen('');
      setValues([]);
      setHeaderMediaUrl('');
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="template-composer" data-testid="template-composer">
      <p className="small">The customer last wrote more than 24 hours ago: WhatsApp delivers only an approved template now.</p>
      {data.templates.length === 0 ? (
        <p className="muted small">No approved templates on this channel yet. An admin can sync them on the Channels page.</p>
      ) : (
        <div className="template-form" role="group" aria-label="Send a template">
          <select
            value={chosen}
            onChange={(e) => {
              setChosen(e.target.value);
              setValues([]);
            }}
            data-testid="template-select"
          >
            <option value="">Send a template…</option>
            {data.templates.map((t) => (
              <option key={`${t.name}|${t.language}`} value={`${t.name}|${t.language}`}>
                {t.name} ({t.language})
              </option>
            ))}
          </select>
          {template && (
            <>
              <p className="muted small">{template.body}</p>
              {template.parameters.map((p, i) => (
                <input
                  key={p}
                  placeholder={`Value for {{${p}}}`}
                  value={values[i] ?? ''}
                  onChange={(e) => setValues((v) => Object.assign([...v], { [i]: e.target.value }))}
                  data-testid="template-value"
                />
              ))}
              {mediaHeader && (
                <input
                  type="url"
                  placeholder={`Link to the header ${mediaHeader} (https://…)`}
                  value={headerMediaUrl}
                  onChange={(e) => setHeaderMediaUrl(e.target.value)}
                />
              )}
              <button
                type="button"
                className="btn btn-primary btn-small"
                disabled={busy}
                onClick={(e) => void send(e)}
                data-testid="template-send"
              >
                Send template
              </button>
            </>
          )}
        </div>
      )}
      {error && <small className="field-error">{error}</small>}
    </div>
  );
}
