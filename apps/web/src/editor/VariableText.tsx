import { splitPlaceholders } from './variableNames';

/** Text with its `{{ placeholders }}` (and with `paths`, bare field paths) as chips named in words. */
export function VariableText({ text, paths }: { text: string; paths?: boolean }) {
  return (
    <>
      {splitPlaceholders(text, paths).map((part, i) =>
        'variable' in part ? (
          <span key={i} className="var-chip" title={part.source} data-testid="variable-chip">
            {part.name}
          </span>
        ) : (
          <span key={i}>{part.text}</span>
        ),
      )}
    </>
  );
}
