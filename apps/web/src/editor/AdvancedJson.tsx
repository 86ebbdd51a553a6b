import { useEffect, useState } from 'react';

/** Raw config, only when the user asks for it. */
export function AdvancedJson({ value, onApply }: { value: Record<string, unknown>; onApply: (v: Record<string, unknown>) => void }) {
  const [text, setText] = useState(() => JSON.stringify(value, null, 2));
  const [error, setError] = useState<string>();
  useEffect(() => {
    setText(JSON.stringify(value, null, 2));
  }, [value]);
  const apply = () => {
    try {
      const parsed = JSON.parse(text) as unknown;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('The settings must be a JSON object { … }.');
      setError(undefined);
      onApply(parsed as Record<string, unknown>);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <div className="advanced-json">
      <textarea
        className="mono"
        rows={10}
        aria-label="Step settings as JSON"
        value={text}
        onChange={(e) => setText(e.target.value)}
        spellCheck={false}
      />
      {error && <small className="field-error">{error}</small>}
      <button type="button" className="btn btn-small" onClick={apply}>
        Apply JSON
      </button>
    </div>
  );
}
