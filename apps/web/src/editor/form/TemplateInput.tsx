import { useRef } from 'react';
import { VariablePicker } from './VariablePicker';
import { VariableText } from '../VariableText';

/** Text that may hold `{{ placeholders }}`: an input or textarea with a variable picker. */
export function TemplateInput({
  id,
  path,
  value,
  onChange,
  multiline,
  variables,
  placeholder,
}: {
  id: string;
  path: string;
  value: string;
  onChange: (v: string) => void;
  multiline?: boolean;
  variables: string[];
  placeholder?: string;
}) {
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null);

  const insert = (variable: string) => {
    const el = ref.current;
    const token = `{{ ${variable} }}`;
    const start = el?.selectionStart ?? value.length;
    const end = el?.selectionEnd ?? value.length;
    const next = value.slice(0, start) + token + value.slice(end);
    onChange(next);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + token.length, start + token.length);
    });
  };

  const props = {
    id,
    ref,
    'data-field': path,
    value,
    placeholder,
    onChange: (e: { target: { value: string } }) => onChange(e.target.value),
  };
  return (
    <div className="template-input">
      {multiline ? <textarea rows={3} {...props} /> : <input type="text" {...props} />}
      {/* The placeholders in words, as the canvas shows them. */}
      {value.includes('{{') && (
        <div className="template-preview" data-testid="template-preview">
          Reads as: <VariableText text={value} />
        </div>
      )}
      {variables.length > 0 && <VariablePicker variables={variables} onPick={insert} />}
    </div>
  );
}
