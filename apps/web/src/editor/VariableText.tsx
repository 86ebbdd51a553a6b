import { splitPlaceholders } from './variableNames';

/** Text with its `{{ placeholders }}` drawn as chips named in words ("First name"). */
export function VariableText({ text }: { text: string }) {
  return (
    <>
      {splitPlaceholders(text).map((part, i) =>
        'variable' in part ? (
          <span key={i} className="var-chip" title={part.source} data-testid="variable-chip">{part.name}</span>
        ) : (
          <span key={i}>{part.text}</span>
        ),
      )}
    </>
  );
}
