import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import { useFormContext } from './context';
import { TemplateInput } from './TemplateInput';

/** A synced template as `GET /api/channels/{id}/templates` answers it. */
interface SyncedTemplate {
  name: string;
  language: string;
  sendable: boolean;
  header: { format: string } | null;
  body: string;
  parameters: string[];
  namedParameters: boolean;
  buttons: { type: string; text: string; index: number }[];
}

type MediaType = 'image' | 'video' | 'document';

/** The step's `whatsappTemplate` config (see the send-message definition in @switchboard/flow). */
export interface TemplateValue {
  name: string;
  language: string;
  variables?: string[];
  parameterNames?: string[];
  headerMedia?: { type: MediaType; link: string };
  buttons?: { subType: 'quick_reply' | 'url'; index: number; value: string }[];
}

const keyOf = (t: { name: string; language: string }) => `${t.name}|${t.language}`;
const TYPED = '__typed';

/** The workspace's synced templates across its WhatsApp channels, one per name and language. */
function useSyncedTemplates(channelIds: string[]): { templates: SyncedTemplate[]; loading: boolean } {
  const [state, setState] = useState<{ templates: SyncedTemplate[]; loading: boolean }>({ templates: [], loading: channelIds.length > 0 });
  const ids = channelIds.join(',');
  useEffect(() => {
    let live = true;
    if (!ids) return void setState({ templates: [], loading: false });
    setState((s) => ({ ...s, loading: true }));
    Promise.all(
      ids.split(',').map((id) =>
        api
          .get<{ templates: SyncedTemplate[] }>(`/api/channels/${id}/templates`)
          .then((r) => r.templates)
          .catch(() => []),
      ),
    ).then((lists) => {
      const unique = new Map<string, SyncedTemplate>();
      for (const t of lists.flat()) if (!unique.has(keyOf(t))) unique.set(keyOf(t), t);
      if (live) setState({ templates: [...unique.values()], loading: false });
    });
    return () => {
      live = false;
    };
  }, [ids]);
  return state;
}

/** What the picked template asks for, filled from what the step had (values kept by position). */
function fromTemplate(t: SyncedTemplate, prev: TemplateValue | undefined): TemplateValue {
  const media = t.header && ['IMAGE', 'VIDEO', 'DOCUMENT'].includes(t.header.format) ? (t.header.format.toLowerCase() as MediaType) : null;
  const takesValue = t.buttons.filter((b) => b.type === 'QUICK_REPLY' || b.type === 'URL');
  return {
    name: t.name,
    language: t.language,
    variables: t.parameters.map((_, i) => prev?.variables?.[i] ?? ''),
    ...(t.namedParameters && t.parameters.length > 0 && { parameterNames: t.parameters }),
    ...(media && { headerMedia: { type: media, link: prev?.headerMedia?.link ?? '' } }),
    ...(takesValue.length > 0 && {
      // A quick reply's payload starts as its words, as the inbox composer sends them.
      buttons: takesValue.map((b) => ({
        subType: b.type === 'URL' ? ('url' as const) : ('quick_reply' as const),
        index: b.index,
        value: prev?.buttons?.find((x) => x.index === b.index)?.value ?? (b.type === 'QUICK_REPLY' ? b.text : ''),
      })),
    }),
  };
}

/**
 * The Send message step's WhatsApp template: a synced template chosen by name and language, with a
 * field for each of its values (placeholders allowed), its header's link when the header is media,
 * and its buttons' values. A name typed by hand (a flow imported from a file, templates not synced
 * yet) stays as typed.
 */
export function WhatsAppTemplateInput({
  path,
  value,
  onChange,
}: {
  path: string;
  value: TemplateValue | undefined;
  onChange: (v: TemplateValue | undefined) => void;
}) {
  const { lookups, variables } = useFormContext();
  const whatsapp = lookups.channels.filter((c) => c.type === 'whatsapp').map((c) => c.id);
  const { templates, loading } = useSyncedTemplates(whatsapp);
  const [typing, setTyping] = useState(false);
  const synced = value ? templates.find((t) => keyOf(t) === keyOf(value)) : undefined;
  const typed = typing || (!!value && !synced && !loading);
  const selected = !value ? '' : synced && !typing ? keyOf(synced) : TYPED;

  const pick = (key: string) => {
    if (key === '') return onChange(undefined);
    if (key === TYPED) {
      setTyping(true);
      return onChange({
        name: value?.name ?? '',
        language: value?.language ?? 'en_US',
        ...(value?.variables && { variables: value.variables }),
      });
    }
    setTyping(false);
    const t = templates.find((x) => keyOf(x) === key);
    if (t) onChange(fromTemplate(t, value));
  };
  const set = (patch: Partial<TemplateValue>) => onChange({ ...(value ?? { name: '', language: '' }), ...patch });
  const text = (field: string, label: string, v: string, update: (v: string) => void, placeholder?: string) => (
    <div className="field" key={field}>
      <label htmlFor={`f-${path}.${field}`}>{label}</label>
      <TemplateInput
        id={`f-${path}.${field}`}
        path={`${path}.${field}`}
        value={v}
        onChange={update}
        variables={variables}
        placeholder={placeholder}
      />
    </div>
  );

  return (
    <div className="wa-template" data-testid="whatsapp-template">
      <select id={`f-${path}`} data-field={path} value={selected} onChange={(e) => pick(e.target.value)} disabled={loading}>
        <option value="">{loading ? 'Loading templates…' : '— No template —'}</option>
        {templates.map((t) => (
          <option key={keyOf(t)} value={keyOf(t)} disabled={!t.sendable && keyOf(t) !== selected}>
            {t.name} ({t.language}){t.sendable ? '' : ' · not approved'}
          </option>
        ))}
        <option value={TYPED}>Type a template name…</option>
      </select>
      {!loading && !templates.length && !value && (
        <small className="help">
          {whatsapp.length
            ? 'No synced templates yet: sync them in Channels → WhatsApp, or type a name.'
            : 'Connect a WhatsApp channel to pick its templates, or type a name.'}
        </small>
      )}
      {synced && !typing && <small className="help wa-template-body">{synced.body}</small>}
      {value && typed && (
        <>
          {text('name', 'Template name', value.name, (name) => set({ name }), 'order_ready')}
          {text('language', 'Language', value.language, (language) => set({ language }), 'en_US')}
        </>
      )}
      {value &&
        synced &&
        !typing &&
        synced.parameters.map((p, i) =>
          text(
            `variables.${i}`,
            `Value for {{${p}}}`,
            value.variables?.[i] ?? '',
            (v) => set({ variables: synced.parameters.map((_, j) => (j === i ? v : (value.variables?.[j] ?? ''))) }),
            '{{ contact.first_name }}',
          ),
        )}
      {value?.headerMedia &&
        text(
          'headerMedia.link',
          `Header ${value.headerMedia.type} link`,
          value.headerMedia.link,
          (link) => set({ headerMedia: { type: value.headerMedia!.type, link } }),
          'https://…',
        )}
      {value?.buttons?.map((b, i) => {
        const label = synced?.buttons.find((x) => x.index === b.index)?.text ?? `Button ${b.index + 1}`;
        return text(`buttons.${i}.value`, b.subType === 'url' ? `“${label}” link ending` : `“${label}” reply payload`, b.value, (v) =>
          set({ buttons: value.buttons!.map((x, j) => (j === i ? { ...x, value: v } : x)) }),
        );
      })}
    </div>
  );
}
