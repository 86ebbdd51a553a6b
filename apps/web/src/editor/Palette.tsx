import { useMemo, useState } from 'react';
import { definitions, type NodeKind } from '../flow';
import { DRAG_TYPE } from './Canvas';
import { Icon } from '../components/Icon';

const groups: { kind: NodeKind; title: string; hint: string }[] = [
  { kind: 'trigger', title: 'Triggers', hint: 'What starts the flow' },
  { kind: 'condition', title: 'Conditions', hint: 'Choose a path' },
  { kind: 'action', title: 'Actions', hint: 'Do something' },
];

/** Steps to add: drag onto the canvas, or click to add below the selected step. */
export function Palette({ onAdd }: { onAdd: (type: string) => void }) {
  const [query, setQuery] = useState('');
  // Small screens: the list opens over the canvas from an "Add a step" button.
  const [open, setOpen] = useState(false);
  const found = useMemo(() => {
    const q = query.trim().toLowerCase();
    return q ? definitions.filter((d) => `${d.label} ${d.description} ${d.type}`.toLowerCase().includes(q)) : definitions;
  }, [query]);
  return (
    <aside className={`palette ${open ? 'open' : ''}`} aria-label="Steps">
      <button type="button" className="btn btn-small palette-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
        <Icon name={open ? 'x' : 'plus'} size={14} /> {open ? 'Close' : 'Add a step'}
      </button>
      <div className="palette-list">
        <input
          className="search"
          type="search"
          aria-label="Search steps"
          placeholder="Search steps…"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          data-testid="palette-search"
        />
        {groups.map((g) => {
          const items = found.filter((d) => d.kind === g.kind);
          if (!items.length) return null;
          return (
            <section key={g.kind}>
              <h4>
                {g.title} <small>{g.hint}</small>
              </h4>
              {items.map((d) => (
                <button
                  key={d.type}
                  type="button"
                  className={`palette-item kind-${d.kind}`}
                  draggable
                  onDragStart={(e) => {
                    e.dataTransfer.setData(DRAG_TYPE, d.type);
                    e.dataTransfer.effectAllowed = 'copy';
                  }}
                  onClick={() => (setOpen(false), onAdd(d.type))}
                  title={d.description}
                  data-testid={`palette-${d.type}`}
                >
                  <Icon name={d.icon} /> {d.label}
                </button>
              ))}
            </section>
          );
        })}
        {!found.length && <p className="muted small">No step matches “{query}”.</p>}
      </div>
    </aside>
  );
}
