import { DEFAULT_TEST_RESPONSE } from '../../flow';
import { issuesAt, useFormContext } from './context';

type Sample = { status?: number; body?: string };

/**
 * The answer an HTTP or CRM step gives when the flow is tried in the simulator, which never sends
 * the request: a status and a body as plain fields, showing the default until the owner edits it.
 */
export function SampleResponseField({
  path,
  label,
  help,
  value,
  onChange,
}: {
  path: string;
  label: string;
  help?: string;
  value: unknown;
  onChange: (v: unknown) => void;
}) {
  const { issues } = useFormContext();
  const own = value && typeof value === 'object' ? (value as Sample) : undefined;
  const sample = own ?? DEFAULT_TEST_RESPONSE;
  const mine = issuesAt(issues, path);
  const set = (patch: Sample) => onChange({ ...DEFAULT_TEST_RESPONSE, ...own, ...patch });
  return (
    <fieldset className={`field-group ${mine.length ? 'has-error' : ''}`} data-field={path} tabIndex={-1}>
      <legend>{label}</legend>
      <div className="field">
        <label htmlFor={`f-${path}.status`}>Status code</label>
        <input
          id={`f-${path}.status`}
          data-field={`${path}.status`}
          aria-label="Sample response status"
          type="number"
          min={100}
          max={599}
          step={1}
          value={sample.status ?? ''}
          onChange={(e) => set({ status: e.target.value === '' ? undefined : Number(e.target.value) })}
        />
      </div>
      <div className="field">
        <label htmlFor={`f-${path}.body`}>Body</label>
        <textarea
          id={`f-${path}.body`}
          data-field={`${path}.body`}
          aria-label="Sample response body"
          rows={4}
          spellCheck={false}
          value={sample.body ?? ''}
          onChange={(e) => set({ body: e.target.value })}
        />
      </div>
      {help && <small className="help">{help}</small>}
      {own && (
        <button type="button" className="btn-link" onClick={() => onChange(undefined)}>
          Use the default (200 and {'{}'})
        </button>
      )}
      {mine.map((i, n) => (
        <small key={n} className="field-error" data-testid="field-error">
          {i.message}
        </small>
      ))}
    </fieldset>
  );
}
