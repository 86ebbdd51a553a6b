import { useState, type KeyboardEvent } from 'react';
import { Icon } from '../../components/Icon';

/** A list of short texts (keywords, buttons, tags) edited as removable chips. */
export function ListInput({
  path,
  value,
  onChange,
  placeholder,
  suggestions,
}: {
  path: string;
  value: string[];
  onChange: (v: string[]) => void;
  placeholder?: string;
  suggestions?: string[];
}) {
  const [draft, setDraft] = useState('');
  const add = () => {
    const text = draft.trim();
    if (!text) return;
    onChange([...value, text]);
    setDraft('');
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter' || e.key === ',') {
      e.preventDefault();
      add();
    } else if (e.key === 'Backspace' && !draft && value.length) {
      onChange(value.slice(0, -1));
    }
  };
  const listId = suggestions?.length ? `${path}-suggest` : undefined;
  return (
    <div className="chips" data-testid={`list-${path}`}>
      {value.map((item, i) => (
        <span className="chip" key={`${item}-${i}`}>
          {item}
          <button type="button" aria-label={`Remove ${item}`} onClick={() => onChange(value.filter((_, j) => j !== i))}>
            <Icon name="x" size={12} />
          </button>
        </span>
      ))}
      <input
        id={`f-${path}`}
        data-field={path}
        value={draft}
        list={listId}
        placeholder={value.length ? '' : placeholder}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={onKey}
        onBlur={add}
      />
      {listId && (
        <datalist id={listId}>
          {suggestions!
            .filter((s) => !value.includes(s))
            .map((s) => (
              <option key={s} value={s} />
            ))}
        </datalist>
      )}
    </div>
  );
}
