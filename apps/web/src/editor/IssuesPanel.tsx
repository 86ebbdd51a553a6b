import { getDefinition, type FlowIssue, type Validation } from '../flow';
import type { StepNode } from './convert';
import { Icon } from '../components/Icon';

/** Every problem of the flow; clicking one selects its step and focuses the field. */
export function IssuesPanel({
  validation,
  nodes,
  onPick,
}: {
  validation: Validation;
  nodes: StepNode[];
  onPick: (issue: FlowIssue) => void;
}) {
  const name = (id?: string) => {
    const n = id ? nodes.find((x) => x.id === id) : undefined;
    return n ? n.data.label || getDefinition(n.type ?? '')?.label || n.id : 'Whole flow';
  };
  const all = [
    ...validation.errors.map((i) => ({ ...i, level: 'error' as const })),
    ...validation.warnings.map((i) => ({ ...i, level: 'warning' as const })),
  ];
  if (!all.length)
    return (
      <div className="issues-ok" data-testid="issues-ok">
        <Icon name="circle-check" /> No problems found. You can publish this flow.
      </div>
    );
  return (
    <ul className="issues" data-testid="issues">
      {all.map((i, n) => (
        <li key={n}>
          <button type="button" className={`issue issue-${i.level}`} onClick={() => onPick(i)} data-testid={`issue-${i.level}`}>
            <Icon name={i.level === 'error' ? 'circle-alert' : 'triangle-alert'} className={`issue-icon-${i.level}`} />
            <span>
              <strong>{name(i.nodeId)}</strong>
              <span>{i.message}</span>
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
