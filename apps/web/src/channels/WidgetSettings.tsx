import { useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError, errorText } from '../api/client';
import { Notice } from '../components/Notice';
import { toast } from '../components/toast';
import type { WebchatChannel, WidgetLook } from './webchat';
import { WidgetPreview } from './WidgetPreview';

type Draft = { color: string; title: string; greeting: string; replyTime: string; position: 'right' | 'left'; avatarUrl: string };

const draftOf = (c: WebchatChannel): Draft => {
  const look = c.widget;
  const own = (key: string) => (typeof c.config[key] === 'string' ? (c.config[key] as string) : '');
  return {
    color: look?.color ?? '#2563eb',
    title: look?.title ?? '',
    greeting: look?.greeting ?? '',
    // Only the chat's own text: the Settings fallback shows as the placeholder.
    replyTime: own('replyTime'),
    position: look?.position ?? 'right',
    avatarUrl: own('avatarUrl'),
  };
};

/** Field errors from the server (`config.avatarUrl`) by form field. */
function fieldErrors(err: unknown): Record<string, string> {
  if (!(err instanceof ApiError) || !Array.isArray(err.details)) return {};
  return Object.fromEntries(
    (err.details as { field?: string; message?: string }[]).map((d) => [
      String(d.field ?? '').replace(/^config\./, ''),
      d.message ?? 'Check this value',
    ]),
  );
}

/** The bubble's colour, title, greeting, reply time, side and picture, with a live preview. */
export function WidgetSettings({ channel, onSaved }: { channel: WebchatChannel; onSaved: (c: WebchatChannel) => void }) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(channel));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const problems: Record<string, string> = {};
    if (!draft.title.trim()) problems.title = 'Give the chat a title, e.g. your business name';
    if (!draft.greeting.trim()) problems.greeting = 'Write a greeting: it is the first thing visitors see';
    setErrors(problems);
    if (Object.keys(problems).length) return;
    setBusy(true);
    setError(undefined);
    try {
      const blank = (v: string) => (v.trim() ? v.trim() : null);
      const saved = await api.patch<WebchatChannel>(`/api/channels/${channel.id}`, {
        config: {
          color: draft.color,
          title: draft.title.trim(),
          greeting: draft.greeting.trim(),
          replyTime: blank(draft.replyTime),
          position: draft.position,
          avatarUrl: blank(draft.avatarUrl),
        },
      });
      onSaved(saved);
      toast('Chat settings saved. Your website shows them within a minute.');
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const look: WidgetLook = {
    ...draft,
    title: draft.title || ' ',
    greeting: draft.greeting || ' ',
    avatarUrl: draft.avatarUrl.trim() || undefined,
    replyTime: draft.replyTime.trim() || undefined,
    defaultReplyTime: channel.widget?.defaultReplyTime,
  };
  const ids = (key: string) => ({ id: `ws-${key}-${channel.id}`, help: `ws-${key}-help-${channel.id}` });
  /** Label and control only in the accessible name; help and errors are its description. */
  const field = (
    key: string,
    label: string,
    control: (a: { id: string; 'aria-describedby': string; 'aria-invalid': boolean }) => ReactNode,
    help?: string,
    optional?: boolean,
  ) => (
    <div className={`field${errors[key] ? ' has-error' : ''}`}>
      <label htmlFor={ids(key).id}>
        {label}
        {optional && <span className="optional"> (optional)</span>}
      </label>
      {control({ id: ids(key).id, 'aria-describedby': ids(key).help, 'aria-invalid': !!errors[key] })}
      <small id={ids(key).help} className={errors[key] ? 'field-error' : 'help'}>
        {errors[key] ?? help}
      </small>
    </div>
  );
  return (
    <section className="ws" aria-label="Chat bubble settings">
      <form className="ws-form" onSubmit={save} noValidate>
        <Notice>{error}</Notice>
        {field('color', 'Colour', (a) => (
          <span className="ws-color">
            <input type="color" value={draft.color} onChange={(e) => set('color', e.target.value)} {...a} />
            <code>{draft.color}</code>
          </span>
        ))}
        {field(
          'title',
          'Title',
          (a) => (
            <input value={draft.title} maxLength={60} onChange={(e) => set('title', e.target.value)} placeholder="Sunrise Bakery" {...a} />
          ),
          'Usually your business name.',
        )}
        {field(
          'greeting',
          'Greeting',
          (a) => (
            <textarea
              rows={2}
              value={draft.greeting}
              maxLength={500}
              onChange={(e) => set('greeting', e.target.value)}
              placeholder="Hi! How can we help you today?"
              {...a}
            />
          ),
          'Shown when a visitor opens the chat.',
        )}
        {field(
          'replyTime',
          'Reply time',
          (a) => (
            <input
              value={draft.replyTime}
              maxLength={100}
              onChange={(e) => set('replyTime', e.target.value)}
              placeholder={channel.widget?.defaultReplyTime ?? 'We usually reply within a few hours'}
              {...a}
            />
          ),
          channel.widget?.defaultReplyTime
            ? 'Leave empty to use the expected reply time from Settings.'
            : 'Shown in the chat header. Set an expected reply time in Settings to fill it in for you.',
          true,
        )}
        <fieldset className="field ws-side">
          <legend>Position on the page</legend>
          {(['right', 'left'] as const).map((side) => (
            <label key={side}>
              <input
                type="radio"
                name={`position-${channel.id}`}
                checked={draft.position === side}
                onChange={() => set('position', side)}
              />{' '}
              Bottom {side}
            </label>
          ))}
        </fieldset>
        {field(
          'avatarUrl',
          'Picture address',
          (a) => (
            <input
              type="url"
              value={draft.avatarUrl}
              onChange={(e) => set('avatarUrl', e.target.value)}
              placeholder="https://your-site.com/logo.png"
              {...a}
            />
          ),
          'A logo or photo shown in the chat header; its address starts with https://.',
          true,
        )}
        <button className="btn btn-primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save chat settings'}
        </button>
      </form>
      <WidgetPreview look={look} />
    </section>
  );
}
