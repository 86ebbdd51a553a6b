import type { Schema } from './zodInfo';
import { blankValue, fieldInfo } from './zodInfo';
import { ObjectFields } from './SchemaForm';
import { FieldRow } from './FieldRow';
import { issuesAt, useFormContext } from './context';
import { caseLabel } from '../outputLabels';
import { Icon } from '../../components/Icon';

const idOnly = new Set(['id']);

/** A list of small forms (the branches of a text match), with add, remove and reorder. */
export function ObjectList({
  path,
  item,
  value,
  onChange,
}: {
  path: string;
  item: Schema;
  value: Record<string, unknown>[];
  onChange: (v: Record<string, unknown>[]) => void;
}) {
  const { issues } = useFormContext();
  const info = fieldInfo(item);
  if (info.kind !== 'object') return null;
  // Text-match branches are named by what they match, like their outputs on the canvas.
  const branches = 'values' in info.shape && 'operator' in info.shape;
  const name = (i: number) => `${branches ? 'branch' : 'item'} ${i + 1}`;
  // A branch's id only names it in the run history: it waits folded under the branch's words.
  const named = branches && 'id' in info.shape;
  const update = (i: number, next: Record<string, unknown>) => onChange(value.map((v, j) => (j === i ? next : v)));
  const move = (i: number, by: number) => {
    const next = [...value];
    const [moved] = next.splice(i, 1);
    next.splice(i + by, 0, moved!);
    onChange(next);
  };
  const add = () => {
    const blank = blankValue(item) as Record<string, unknown>;
    if ('id' in info.shape) {
      let n = value.length + 1;
      while (value.some((v) => v.id === `case${n}`)) n++;
      blank.id = `case${n}`;
    }
    onChange([...value, blank]);
  };
  return (
    <div className="object-list">
      {value.map((entry, i) => (
        <div className="object-list-item" key={i}>
          <div className="object-list-head">
            <strong>{branches ? `Branch ${i + 1}` : `#${i + 1}`}</strong>
            {branches && <span className="muted small object-list-says">{caseLabel(entry) ?? 'No words yet'}</span>}
            <span className="spacer" />
            <button type="button" className="btn-icon" disabled={i === 0} onClick={() => move(i, -1)} aria-label={`Move ${name(i)} up`}>
              <Icon name="arrow-up" />
            </button>
            <button
              type="button"
              className="btn-icon"
              disabled={i === value.length - 1}
              onClick={() => move(i, 1)}
              aria-label={`Move ${name(i)} down`}
            >
              <Icon name="arrow-down" />
            </button>
            <button
              type="button"
              className="btn-icon"
              onClick={() => onChange(value.filter((_, j) => j !== i))}
              aria-label={`Remove ${name(i)}`}
            >
              <Icon name="x" />
            </button>
          </div>
          <ObjectFields
            shape={info.shape}
            value={entry}
            onChange={(next) => update(i, next)}
            path={`${path}.${i}`}
            hidden={named ? idOnly : undefined}
          />
          {named && (
            <details className="branch-name" open={issuesAt(issues, `${path}.${i}.id`).length > 0}>
              <summary className="small muted">Name in the run history: {String(entry.id ?? '')}</summary>
              <FieldRow
                name="id"
                path={`${path}.${i}.id`}
                schema={info.shape.id!}
                value={entry.id}
                onChange={(id) => update(i, { ...entry, id })}
              />
            </details>
          )}
        </div>
      ))}
      <button type="button" className="btn btn-small" onClick={add}>
        <Icon name="plus" size={14} /> {branches ? 'Add a branch' : 'Add'}
      </button>
    </div>
  );
}
