/**
 * A tool's arguments as rows (name, type, description, required), kept as the JSON Schema object
 * the agent's config holds: `{ type: 'object', properties, required }`.
 */
type Property = { type: 'string' | 'number' | 'integer' | 'boolean'; description?: string; enum?: string[] };
export type ToolParameters = { type: 'object'; properties: Record<string, Property>; required?: string[] };

const TYPES: { value: Property['type']; label: string }[] = [
  { value: 'string', label: 'Text' },
  { value: 'number', label: 'Number' },
  { value: 'integer', label: 'Whole number' },
  { value: 'boolean', label: 'Yes/no' },
];

export function ToolArgumentsInput({
  path,
  value,
  onChange,
}: {
  path: string;
  value: ToolParameters | undefined;
  onChange: (v: ToolParameters) => void;
}) {
  const params: ToolParameters = value ?? { type: 'object', properties: {} };
  const rows = Object.entries(params.properties);
  const required = new Set(params.required ?? []);
  const save = (next: [string, Property][], nextRequired: Set<string>) =>
    onChange({ type: 'object', properties: Object.fromEntries(next), required: next.map(([n]) => n).filter((n) => nextRequired.has(n)) });
  const setRow = (i: number, name: string, prop: Property, isRequired: boolean) => {
    const old = rows[i]![0];
    const nextRequired = new Set([...required].filter((n) => n !== old));
    if (isRequired) nextRequired.add(name);
    save(
      rows.map((r, j) => (j === i ? [name, prop] : r)),
      nextRequired,
    );
  };
  const add = () => {
    let n = rows.length + 1;
    while (`arg${n}` in params.properties) n++;
    save([...rows, [`arg${n}`, { type: 'string' }]], new Set([...required, `arg${n}`]));
  };
  return (
    <div className="tool-args" data-field={`${path}.properties`} tabIndex={-1}>
      {rows.length === 0 && <p className="muted small">No arguments: the tool is called as it is.</p>}
      {rows.map(([name, prop], i) => (
        <div className="kv-row tool-arg" key={i}>
          <input
            aria-label="Argument name"
            placeholder="order_id"
            value={name}
            onChange={(e) => setRow(i, e.target.value, prop, required.has(name))}
          />
          <select
            aria-label="Argument type"
            value={prop.type}
            onChange={(e) => setRow(i, name, { ...prop, type: e.target.value as Property['type'] }, required.has(name))}
          >
            {TYPES.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </select>
          <input
            aria-label="Argument description"
            placeholder="What the value is"
            value={prop.description ?? ''}
            onChange={(e) => setRow(i, name, { ...prop, description: e.target.value || undefined }, required.has(name))}
          />
          <label className="check">
            <input
              type="checkbox"
              aria-label="Required"
              checked={required.has(name)}
              onChange={(e) => setRow(i, name, prop, e.target.checked)}
            />
            Required
          </label>
          <button
            type="button"
            className="btn-icon"
            aria-label={`Remove argument ${name}`}
            onClick={() =>
              save(
                rows.filter((_, j) => j !== i),
                required,
              )
            }
          >
            ×
          </button>
        </div>
      ))}
      <button type="button" className="btn btn-small" onClick={add}>
        + Add an argument
      </button>
    </div>
  );
}
