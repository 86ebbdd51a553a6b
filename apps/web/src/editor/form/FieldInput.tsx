import type { FieldHint } from '../../flow';
import type { FieldInfo, Schema } from './zodInfo';
import { useFormContext } from './context';
import { ListInput } from './ListInput';
import { FileListInput } from './FileListInput';
import { TemplateInput } from './TemplateInput';
import { ChannelsInput } from './ChannelsInput';
import { KeyValueInput } from './KeyValueInput';
import { optionWord } from './optionWords';
import { ToolsInput, type Tool } from './ToolsInput';
import { WhatsAppTemplateInput, type TemplateValue } from './WhatsAppTemplateInput';

const timezones: string[] = (() => {
  try {
    return (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone');
  } catch {
    return ['UTC'];
  }
})();

const fieldSuggestions = [
  'message.text',
  'contact.name',
  'contact.email',
  'contact.phone',
  'contact.first_name',
  'conversation.status',
  'conversation.channelType',
];

interface Props {
  path: string;
  info: FieldInfo;
  schema: Schema;
  hint: FieldHint | undefined;
  optional: boolean;
  value: unknown;
  label: string;
  onChange: (v: unknown) => void;
}

/** Picks the input for one field: the definition's widget hint first, then the zod type. */
export function FieldInput({ path, info, hint, optional, value, label, onChange }: Props) {
  const { lookups, variables } = useFormContext();
  const id = `f-${path}`;
  const common = { id, 'data-field': path, placeholder: hint?.placeholder };
  const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  const setText = (v: string) => onChange(v === '' && optional ? undefined : v);
  const widget = hint?.widget;

  const select = (options: { value: string; label: string }[], emptyLabel = '— Choose —') => (
    <select {...common} value={str(value)} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}>
      {(optional || !value) && <option value="">{emptyLabel}</option>}
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );

  if (widget === 'agent')
    return select(
      lookups.members.map((m) => ({ value: m.userId, label: m.name || m.email })),
      lookups.members.length ? '— Choose an agent —' : 'No team members yet',
    );
  if (widget === 'team')
    return select(
      lookups.teams.map((t) => ({ value: t.id, label: t.name })),
      lookups.teams.length ? '— Any team —' : 'No teams yet (Settings → Team)',
    );
  if (widget === 'timezone')
    return select(
      timezones.map((t) => ({ value: t, label: t })),
      'Workspace time zone',
    );
  if (widget === 'tools') return <ToolsInput path={path} value={(value as Tool[]) ?? []} onChange={onChange} />;
  if (widget === 'whatsapp-template')
    return <WhatsAppTemplateInput path={path} value={value as TemplateValue | undefined} onChange={onChange} />;
  if (widget === 'channels') return <ChannelsInput path={path} label={label} value={(value as string[]) ?? []} onChange={onChange} />;
  if (info.kind === 'list' && path === 'attachments')
    return (
      <FileListInput path={path} value={(value as string[]) ?? []} onChange={(v) => onChange(v.length || !optional ? v : undefined)} />
    );
  if (widget === 'tags' || (info.kind === 'list' && /tags?$/i.test(path)))
    return (
      <ListInput
        path={path}
        value={(value as string[]) ?? []}
        onChange={onChange}
        suggestions={lookups.tags}
        placeholder="Type a tag and press Enter"
      />
    );
  if (widget === 'keyvalue' || info.kind === 'record')
    return (
      <KeyValueInput
        path={path}
        value={(value as Record<string, string>) ?? {}}
        onChange={(v) => onChange(Object.keys(v).length || !optional ? v : undefined)}
      />
    );
  if (widget === 'template' || widget === 'multiline')
    return (
      <TemplateInput
        id={id}
        path={path}
        value={str(value)}
        onChange={setText}
        multiline={widget === 'multiline' || /text|body|note|instructions/i.test(path)}
        variables={widget === 'template' ? variables : []}
        placeholder={hint?.placeholder}
      />
    );

  switch (info.kind) {
    case 'boolean':
      return (
        <label className="check">
          <input type="checkbox" {...common} checked={value === true} onChange={(e) => onChange(e.target.checked)} />
          {label}
        </label>
      );
    case 'enum':
      return select(
        info.options.map((o) => ({ value: o, label: optionWord(o) })),
        optional ? '— Not set —' : '— Choose —',
      );
    case 'number':
      return (
        <input
          {...common}
          type="number"
          min={info.min}
          max={info.max}
          step={info.integer ? 1 : 'any'}
          value={str(value)}
          onChange={(e) => onChange(e.target.value === '' ? (optional ? undefined : 0) : Number(e.target.value))}
        />
      );
    case 'list':
      return (
        <ListInput
          path={path}
          value={(value as string[]) ?? []}
          onChange={(v) => onChange(v.length || !optional ? v : undefined)}
          placeholder={hint?.placeholder ?? 'Type and press Enter'}
        />
      );
    case 'mixed':
      return (
        <TemplateInput
          id={id}
          path={path}
          value={Array.isArray(value) ? value.join(', ') : str(value)}
          onChange={setText}
          variables={variables}
        />
      );
    default: {
      const list = widget === 'field-path' ? `${id}-list` : undefined;
      return (
        <>
          <input
            {...common}
            type="text"
            list={list}
            value={str(value)}
            onChange={(e) => setText(e.target.value)}
            spellCheck={widget === 'cron' ? false : undefined}
          />
          {list && (
            <datalist id={list}>
              {[...new Set([...fieldSuggestions, ...variables])].map((v) => (
                <option key={v} value={v} />
              ))}
            </datalist>
          )}
        </>
      );
    }
  }
}
