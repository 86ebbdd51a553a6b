import type { BusinessHours as Hours, Weekday } from '../api/types';
import { Icon } from '../components/Icon';

const days: { id: Weekday; label: string }[] = [
  { id: 'mon', label: 'Monday' },
  { id: 'tue', label: 'Tuesday' },
  { id: 'wed', label: 'Wednesday' },
  { id: 'thu', label: 'Thursday' },
  { id: 'fri', label: 'Friday' },
  { id: 'sat', label: 'Saturday' },
  { id: 'sun', label: 'Sunday' },
];

/** Opening hours per weekday, with several intervals per day (e.g. a lunch break). */
export function BusinessHours({ value, onChange }: { value: Hours; onChange: (v: Hours) => void }) {
  const set = (day: Weekday, intervals: [string, string][]) => {
    const next = { ...value };
    if (intervals.length) next[day] = intervals;
    else delete next[day];
    onChange(next);
  };
  return (
    <table className="hours" data-testid="business-hours">
      <tbody>
        {days.map((d) => {
          const intervals = value[d.id] ?? [];
          const open = intervals.length > 0;
          return (
            <tr key={d.id}>
              <th>{d.label}</th>
              <td>
                <label className="check">
                  <input type="checkbox" checked={open} onChange={(e) => set(d.id, e.target.checked ? [['09:00', '17:00']] : [])} />{' '}
                  {open ? 'Open' : 'Closed'}
                </label>
              </td>
              <td className="intervals">
                {intervals.map(([from, to], i) => (
                  <span key={i} className="interval">
                    <input
                      type="time"
                      value={from}
                      onChange={(e) =>
                        set(
                          d.id,
                          intervals.map((x, j) => (j === i ? [e.target.value, x[1]] : x)),
                        )
                      }
                      aria-label={`${d.label} opens`}
                    />
                    –
                    <input
                      type="time"
                      value={to}
                      onChange={(e) =>
                        set(
                          d.id,
                          intervals.map((x, j) => (j === i ? [x[0], e.target.value] : x)),
                        )
                      }
                      aria-label={`${d.label} closes`}
                    />
                    <button
                      type="button"
                      className="btn-icon"
                      onClick={() =>
                        set(
                          d.id,
                          intervals.filter((_, j) => j !== i),
                        )
                      }
                      aria-label={`Remove ${d.label} ${from}–${to}`}
                    >
                      <Icon name="x" />
                    </button>
                  </span>
                ))}
                {open && (
                  <button
                    type="button"
                    className="btn-link small"
                    onClick={() => set(d.id, [...intervals, ['14:00', '18:00']])}
                    aria-label={`Add more hours on ${d.label}`}
                  >
                    <Icon name="plus" size={14} /> hours
                  </button>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
