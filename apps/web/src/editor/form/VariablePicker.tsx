import { useEffect, useRef, useState } from 'react';
import { variableName } from '../variableNames';

/** A small menu of placeholders; picking one inserts `{{ contact.first_name }}` at the cursor. */
export function VariablePicker({ variables, onPick }: { variables: string[]; onPick: (variable: string) => void }) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => !ref.current?.contains(e.target as Node) && setOpen(false);
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);
  return (
    <div className="var-picker" ref={ref}>
      <button
        type="button"
        className="btn-chip"
        onClick={() => setOpen(!open)}
        title="Insert a detail like the customer's name"
        data-testid="variable-picker"
      >
        {'{ }'} Insert detail
      </button>
      {open && (
        <ul className="menu" role="menu">
          {variables.map((v) => (
            <li key={v}>
              <button type="button" role="menuitem" onMouseDown={(e) => e.preventDefault()} onClick={() => (onPick(v), setOpen(false))}>
                <span>{variableName(v)}</span>
                <code>{v}</code>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
