import type { Schema } from './zodInfo';
import { blankValue, fieldInfo } from './zodInfo';
import { ObjectFields } from './SchemaForm';

/** A list of small forms (the branches of a text match), with add, remove and reorder. */
export function ObjectList({ path, item, value, onChange }: { path: string; item: Schema; value: Record<string, unknown>[]; onChange: (v: Record<string, unknown>[]) => void }) {
  const info = fieldInfo(item);
  if (info.kind !== 'object') return null;
  const update = (i: number, next: Record<string, unknown>) => onChange(value.map((v, j) => (j === i ? next : v)));
  const move = (i: number, by: number) => {
    const next = [...value];
    const [moved] = next.splice(i, 1);
    next.splice(i + by, 0, moved!);
    onChange(next);
  };
  const add = () => {
    const blank = blankValue(item) as Record<string, unknown>;
    if ('id' in info.shape) blank.id = `case${value.length + 1}`;
    onChange([...value, blank]);
  };
  return (
    <div className="object-list">
      {value.map((entry, i) => (
        <div className="object-list-item" key={i}>
          <div className="object-list-head">
            <strong>#{i + 1}</strong>
            <span className="spacer" />
            <button type="button" className="btn-icon" disabled={i === 0} onClick={() => move(i, -1)} aria-label="Move up">↑</button>
            <button type="button" className="btn-icon" disabled={i === value.length - 1} onClick={() => move(i, 1)} aria-label="Move down">↓</button>
            <button type="button" className="btn-icon" onClick={() => onChange(value.filter((_, j) => j !== i))} aria-label="Remove">×</button>
          </div>
          <ObjectFields shape={info.shape} value={entry} onChange={(next) => update(i, next)} path={`${path}.${i}`} />
        </div>
      ))}
      <button type="button" className="btn btn-small" onClick={add}>+ Add</button>
    </div>
  );
}
