/** Shows step data as readable name/value rows rather than JSON. */
export function ValueView({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <div className="muted">—</div>;
  if (typeof value !== 'object') return <div>{String(value)}</div>;
  const entries = Array.isArray(value)
    ? value.map((v, i) => [String(i + 1), v] as const)
    : Object.entries(value as Record<string, unknown>);
  if (!entries.length) return <div className="muted">—</div>;
  return (
    <dl className="kv-view">
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{typeof v === 'object' && v !== null ? <ValueView value={v} /> : String(v)}</dd>
        </div>
      ))}
    </dl>
  );
}
