import { useState } from 'react';
import { Icon } from '../components/Icon';

const dayName = (iso: string) => {
  const d = new Date(`${iso}T12:00:00`);
  return Number.isNaN(d.getTime())
    ? ''
    : d.toLocaleDateString(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
};

/** Days the business is closed, each picked on a calendar; stored as YYYY-MM-DD, in order. */
export function HolidaysInput({ value, onChange }: { value: string[]; onChange: (v: string[]) => void }) {
  const [adding, setAdding] = useState('');
  const sorted = [...value].sort();
  const add = (day: string) => {
    if (!day) return;
    if (!value.includes(day)) onChange([...value, day].sort());
    setAdding('');
  };
  return (
    <div data-testid="holidays">
      {sorted.length > 0 ? (
        <ul className="holidays" aria-label="Days you are closed">
          {sorted.map((day) => (
            <li key={day}>
              <input
                type="date"
                value={day}
                aria-label={`Closed on ${dayName(day) || day}`}
                onChange={(e) => e.target.value && onChange(sorted.map((d) => (d === day ? e.target.value : d)).sort())}
              />
              <span className="holiday-day">{dayName(day)}</span>
              <button
                type="button"
                className="btn-icon"
                onClick={() => onChange(value.filter((d) => d !== day))}
                aria-label={`Remove ${dayName(day) || day}`}
              >
                <Icon name="x" />
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">No holidays yet.</p>
      )}
      <div className="inline-form">
        <input
          type="date"
          value={adding}
          onChange={(e) => setAdding(e.target.value)}
          aria-label="Add a day you are closed"
          style={{ width: 'auto' }}
        />
        <button type="button" className="btn" onClick={() => add(adding)} disabled={!adding}>
          <Icon name="plus" size={14} /> Add day
        </button>
      </div>
    </div>
  );
}
