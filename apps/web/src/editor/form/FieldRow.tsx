import type { ReactNode } from 'react';
import type { Schema } from './zodInfo';
import { blankValue, fieldInfo, humanize, unwrap } from './zodInfo';
import { issuesAt, useFormContext } from './context';
import { FieldInput } from './FieldInput';
import { ObjectFields } from './SchemaForm';
import { ObjectList } from './ObjectList';
import { SampleResponseField } from './SampleResponseField';

/** One labelled field: label, input, help text and the validation messages for it. */
export function FieldRow({
  name,
  path,
  schema,
  value,
  onChange,
}: {
  name: string;
  path: string;
  schema: Schema;
  value: unknown;
  onChange: (v: unknown) => void;
}) {
  const { hints, issues } = useFormContext();
  const { schema: inner, optional, description } = unwrap(schema);
  const info = fieldInfo(inner);
  const hint = hints[name];
  // The channel picker says its choices in words, so its description's bracketed detail
  // ('types like "whatsapp" …', written for the API) is left off its label.
  const full = description ?? humanize(name);
  const label = hint?.widget === 'channels' ? full.split(' (')[0]!.trim() : full;
  const help = hint?.help;
  const mine = issuesAt(issues, path);
  let body: ReactNode;

  if (hint?.widget === 'sample-response')
    return <SampleResponseField path={path} label={label} help={hint.help} value={value} onChange={onChange} />;
  if (info.kind === 'object' && !hint) {
    const enabled = value !== undefined;
    return (
      <fieldset className="field-group">
        <legend>
          {optional ? (
            <label className="check">
              <input
                type="checkbox"
                checked={enabled}
                onChange={(e) => onChange(e.target.checked ? blankValue(inner) : undefined)}
                data-field={path}
              />
              {label}
            </label>
          ) : (
            label
          )}
        </legend>
        {enabled || !optional ? (
          <ObjectFields shape={info.shape} value={(value as Record<string, unknown>) ?? {}} onChange={onChange} path={path} />
        ) : null}
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
  body = (
    <FieldInput path={path} info={info} schema={inner} hint={hint} optional={optional} value={value} onChange={onChange} label={label} />
  );

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

function Messages({ issues }: { issues: { message: string }[] }) {
  if (!issues.length) return null;
  return (
    <>
      {issues.map((i, n) => (
        <small key={n} className="field-error" data-testid="field-error">
          {i.message}
        </small>
      ))}
    </>
  );
}
