import type { Schema } from './zodInfo';
import { fieldInfo, humanize, unwrap } from './zodInfo';
import { FieldRow } from './FieldRow';

type Obj = Record<string, unknown>;

/** Draws one row per key of an object schema; used for a node config and nested objects. */
export function ObjectFields({
  shape,
  value,
  onChange,
  path,
  skip,
  hidden,
}: {
  shape: Record<string, Schema>;
  value: Obj;
  onChange: (next: Obj) => void;
  path: string;
  skip?: string;
  hidden?: Set<string>;
}) {
  return (
    <>
      {Object.entries(shape).map(([key, schema]) =>
        key === skip || hidden?.has(key) ? null : (
          <FieldRow
            key={key}
            name={key}
            path={path ? `${path}.${key}` : key}
            schema={schema}
            value={value[key]}
            onChange={(v) => {
              const next = { ...value };
              if (v === undefined) delete next[key];
              else next[key] = v;
              onChange(next);
            }}
          />
        ),
      )}
    </>
  );
}

/** The inspector form of a node: generated from its config schema, never raw JSON. */
export function SchemaForm({
  schema,
  value,
  onChange,
  hidden,
}: {
  schema: Schema;
  value: Obj;
  onChange: (next: Obj) => void;
  hidden?: Set<string>;
}) {
  const info = fieldInfo(unwrap(schema).schema);
  if (info.kind === 'object') {
    if (Object.keys(info.shape).length === 0) return <p className="muted small">This step has nothing to set up.</p>;
    return <ObjectFields shape={info.shape} value={value} onChange={onChange} path="" hidden={hidden} />;
  }
  if (info.kind === 'variant') {
    const current = info.options.find((o) => o.value === value[info.discriminator]) ?? info.options[0];
    return (
      <>
        <label className="field">
          <span>{humanize(info.discriminator)}</span>
          <select
            data-field={info.discriminator}
            value={String(value[info.discriminator] ?? '')}
            onChange={(e) => onChange({ [info.discriminator]: e.target.value })}
          >
            {info.options.map((o) => (
              <option key={o.value} value={o.value}>
                {humanize(o.value)}
              </option>
            ))}
          </select>
        </label>
        {current && (
          <ObjectFields shape={current.shape} value={value} onChange={onChange} path="" skip={info.discriminator} hidden={hidden} />
        )}
      </>
    );
  }
  return <p className="muted small">This step's settings can only be edited as JSON (the ⋯ menu above).</p>;
}
