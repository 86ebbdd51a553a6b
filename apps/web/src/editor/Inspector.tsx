import { useEffect, useRef, useState } from 'react';
import { getDefinition, type FlowIssue } from '../flow';
import { FormContext, type Lookups } from './form/context';
import { SchemaForm } from './form/SchemaForm';
import type { Schema } from './form/zodInfo';
import type { StepNode } from './convert';
import { AdvancedJson } from './AdvancedJson';
import { Icon } from '../components/Icon';
import { MoreMenu } from '../components/MoreMenu';
import { hiddenFields } from './channelFields';
import { VariableText } from './VariableText';

export interface FocusRequest {
  field?: string;
  nonce: number;
}

/** The form of the selected step, generated from its definition. */
export function Inspector({
  node,
  issues,
  warnings,
  lookups,
  variables,
  focus,
  onFocused,
  onChange,
  onDelete,
}: {
  node: StepNode;
  issues: FlowIssue[];
  warnings: FlowIssue[];
  lookups: Lookups;
  variables: string[];
  focus: FocusRequest | null;
  /** The focus request is used once; otherwise re-selecting the step would steal focus again. */
  onFocused: () => void;
  onChange: (patch: Partial<StepNode['data']>) => void;
  onDelete: () => void;
}) {
  const def = getDefinition(node.type ?? '');
  const root = useRef<HTMLDivElement>(null);
  const [advanced, setAdvanced] = useState(false);

  useEffect(() => {
    if (!focus?.field || !root.current) return;
    // Walk up the path until a field exists: `cases.0.values.1` -> `cases.0.values` -> ...
    const parts = focus.field.split('.');
    while (parts.length) {
      const el = root.current.querySelector<HTMLElement>(`[data-field="${CSS.escape(parts.join('.'))}"]`);
      if (el) {
        el.scrollIntoView({ block: 'center' });
        el.focus();
        break;
      }
      parts.pop();
    }
    onFocused();
  }, [focus]); // eslint-disable-line react-hooks/exhaustive-deps

  if (!def) return <p className="muted">This step type is unknown to this version of Switchboard.</p>;
  const general = [
    ...issues.filter((i) => !i.field).map((i) => ({ ...i, level: 'error' })),
    ...warnings.map((i) => ({ ...i, level: 'warning' })),
  ];
  return (
    <div className="inspector" ref={root} data-testid="inspector">
      <header className="inspector-head">
        <Icon name={def.icon} size={24} className="fnode-icon" />
        <div className="inspector-title">
          <h3>{def.label}</h3>
          <p className="muted small">
            <VariableText text={def.description} />
          </p>
        </div>
        <MoreMenu
          label="More for this step"
          actions={[
            { label: advanced ? 'Hide the settings as JSON' : 'Edit the settings as JSON', onSelect: () => setAdvanced(!advanced) },
            { label: 'Delete step', onSelect: onDelete, danger: true },
          ]}
        />
      </header>
      {general.map((i, n) => (
        <div key={n} className={`notice notice-${i.level}`}>
          {i.message}
        </div>
      ))}
      <div className="field">
        <label htmlFor="f-__label">
          Name on the canvas <span className="optional">(optional)</span>
        </label>
        <input
          id="f-__label"
          data-field="__label"
          value={node.data.label ?? ''}
          placeholder={def.label}
          onChange={(e) => onChange({ label: e.target.value || undefined })}
        />
      </div>
      <FormContext.Provider value={{ hints: def.fields ?? {}, issues, lookups, variables }}>
        <SchemaForm
          key={node.id}
          schema={def.config as unknown as Schema}
          value={node.data.config}
          onChange={(config) => onChange({ config })}
          hidden={hiddenFields(def, node.data.config, lookups.channels)}
        />
      </FormContext.Provider>
      {advanced && <AdvancedJson value={node.data.config} onApply={(config) => onChange({ config })} />}
      <div className="inspector-foot">
        <span className="spacer" />
        <button type="button" className="btn btn-danger btn-small" onClick={onDelete}>
          <Icon name="trash-2" size={14} /> Delete step
        </button>
      </div>
    </div>
  );
}
