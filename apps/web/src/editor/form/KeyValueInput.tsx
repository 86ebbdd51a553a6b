import { Icon } from '../../components/Icon';

/** Name/value pairs (HTTP headers, contact attributes), edited as rows. */
export function KeyValueInput({
  path,
  value,
  onChange,
}: {
  path: string;
  value: Record<string, string>;
  onChange: (v: Record<string, string>) => void;
}) {
  const rows = Object.entries(value);
  const setRow = (i: number, key: string, val: string) => {
    const next = rows.map((r, j) => (j === i ? ([key, val] as [string, string]) : r));
    onChange(Object.fromEntries(next));
  };
  return (
    <div className="kv" data-field={path} tabIndex={-1}>
      {rows.map(([k, v], i) => (
        <div className="kv-row" key={i}>
          <input aria-label="Name" value={k} placeholder="Name" onChange={(e) => setRow(i, e.target.value, v)} />
          <input aria-label="Value" value={v} placeholder="Value" onChange={(e) => setRow(i, k, e.target.value)} />
          <button
            type="button"
            className="btn-icon"
            aria-label={k ? `Remove ${k}` : `Remove row ${i + 1}`}
            onClick={() => onChange(Object.fromEntries(rows.filter((_, j) => j !== i)))}
          >
            <Icon name="x" />
          </button>
        </div>
      ))}
      <button
        type="button"
        className="btn btn-small"
        onClick={() => onChange({ ...value, [rows.some(([k]) => k === '') ? `name${rows.length}` : '']: '' })}
      >
        + Add
      </button>
    </div>
  );
}
