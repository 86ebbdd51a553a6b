import type { ReactNode } from 'react';
import type { Schema } from './zodInfo';
import { blankValue, fieldInfo, humanize, unwrap } from './zodInfo';
import { issuesAt, useFormContext } from './context';
import { FieldInput } from './FieldInput';
import { ObjectFields } from './SchemaForm';
import { ObjectList } from './ObjectList';
import { SampleResponseField } from './SampleResponseField';

/** One labelled field: label, input, help text and the validation messages for it. */
export function FieldRow({ name, path, schema, value, onChange }: { name: string; path: string; schema: Schema; value: unknown; onChange: (v: unknown) => void }) {
  const { hints, issues } = useFormContext();
  const { schema: inner, optional, description } = unwrap(schema);
  const info = fieldInfo(inner);
  const hint = hints[name];
  // "Text to check (defaults to the message text)": the label is the words before the bracket,
  // the rest is help. The channel picker says its choices in words, so it needs no such detail.
  const [label, detail] = splitLabel(description ?? humanize(name));
  const help = hint?.help ?? (hint?.widget === 'channels' ? undefined : detail);
  const mine = issuesAt(issues, path);
  let body: ReactNode;

  if (hint?.widget === 'sample-response') return <SampleResponseField path={path} label={label} help={hint.help} value={value} onChange={onChange} />;
  if (info.kind === 'object' && !hint) {
    const enabled = value !== undefined;
    return (
      <fieldset className="field-group">
        <legend>
          {optional ? (
            <label className="check">
              <input type="checkbox" checked={enabled} onChange={(e) => onChange(e.target.checked ? blankValue(inner) : undefined)} data-field={path} />
              {label}
            </label>
          ) : (
            label
          )}
        </legend>
        {enabled || !optional ? <ObjectFields shape={info.shape} value={(value as Record<string, unknown>) ?? {}} onChange={onChange} path={path} /> : null}
        <Messages issues={mine.filter((i) => i.field === path)} />
      </fieldset>
    );
  }
  if (info.kind === 'list' && fieldInfo(info.item).kind === 'object' && !hint) {
    return (
      <fieldset className="field-group">
        <legend>{label}</legend>
        <ObjectList path={path} item={info.item} value={(value as Record<string, unknown>[]) ?? []} onChange={onChange} />
        <Messages issues={mine.filter((i) => i.field === path)} />
      </fieldset>
    );
  }
  body = <FieldInput path={path} info={info} schema={inner} hint={hint} optional={optional} value={value} onChange={onChange} label={label} />;

  if (hint?.widget === 'channels' || (info.kind === 'boolean' && (!hint || hint.widget === 'switch'))) {
    return (
      <div className={`field ${mine.length ? 'has-error' : ''}`}>
        {body}
        {help && <small className="help">{help}</small>}
        <Messages issues={mine} />
      </div>
    );
  }
  return (
    <div className={`field ${mine.length ? 'has-error' : ''}`}>
      <label htmlFor={`f-${path}`}>
        {label}
        {optional && <span className="optional"> (optional)</span>}
      </label>
      {body}
      {help && <small className="help">{help}</small>}
      <Messages issues={mine} />
    </div>
  );
}

function splitLabel(text: string): [string, string | undefined] {
  const at = text.indexOf(' (');
  if (at <= 0) return [text, undefined];
  const detail = text.slice(at + 2).replace(/\)\s*$/, '').replace(/\);?\s*/, '; ').trim();
  return [text.slice(0, at).trim(), detail.charAt(0).toUpperCase() + detail.slice(1)];
}

function Messages({ issues }: { issues: { message: string }[] }) {
  if (!issues.length) return null;
  return (
    <>
      {issues.map((i, n) => (
        <small key={n} className="field-error" data-testid="field-error">{i.message}</small>
      ))}
    </>
  );
}
