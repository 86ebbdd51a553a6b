import { Modal } from '../components/Modal';
import { getDefinition, type FlowIssue } from '../flow';
import type { StepNode } from './convert';
import { Icon } from '../components/Icon';

/** A problem as the publish route lists it: `step` is the step's name on the canvas. */
export type PublishIssue = FlowIssue & { step?: string };

/**
 * Why publishing was refused, one line per problem in words; clicking a line closes the
 * dialog and selects the step with the field to fix.
 */
export function PublishProblems({
  issues,
  nodes,
  onPick,
  onClose,
}: {
  issues: PublishIssue[];
  nodes: StepNode[];
  onPick: (issue: PublishIssue) => void;
  onClose: () => void;
}) {
  const stepName = (i: PublishIssue) => {
    const node = i.nodeId ? nodes.find((n) => n.id === i.nodeId) : undefined;
    return node ? node.data.label || getDefinition(node.type ?? '')?.label || i.step : (i.step ?? 'Whole flow');
  };
  return (
    <Modal title="Not published yet" onClose={onClose}>
      <p>
        {issues.length === 1 ? 'One thing to fix' : `${issues.length} things to fix`} before this flow can go live. Click one to open the
        step.
      </p>
      <ul className="issues" aria-label="Problems to fix before publishing">
        {issues.map((i, n) => (
          <li key={n}>
            <button type="button" className="issue issue-error" onClick={() => onPick(i)}>
              <Icon name="circle-alert" className="issue-icon-error" />
              <span>
                <strong>{stepName(i)}</strong>
                <span>{i.message}</span>
              </span>
            </button>
          </li>
        ))}
      </ul>
      <div className="form-foot">
        <button type="button" className="btn" onClick={onClose}>
          Close
        </button>
      </div>
    </Modal>
  );
}

/**
 * Published, but another live flow answers some of the same messages: each line says which two,
 * an example message and which goes first, and the owner can go and change the order.
 */
export function OrderConflicts({
  conflicts,
  onChangeOrder,
  onClose,
}: {
  conflicts: PublishIssue[];
  onChangeOrder: () => void;
  onClose: () => void;
}) {
  return (
    <Modal title="Published — check which flow answers first" onClose={onClose}>
      <p>Only one flow answers each message: the first in your flow list that matches it.</p>
      <ul className="issues" aria-label="Flows that answer the same messages">
        {conflicts.map((c, n) => (
          <li key={n} className="issue issue-warning">
            <span>{c.message}</span>
          </li>
        ))}
      </ul>
      <div className="form-foot">
        <button type="button" className="btn" onClick={onClose}>
          Keep this order
        </button>
        <button type="button" className="btn btn-primary" onClick={onChangeOrder}>
          Change the order
        </button>
      </div>
    </Modal>
  );
}
