import { memo, useEffect, useMemo, useRef } from 'react';
import { Handle, Position, useUpdateNodeInternals, type NodeProps } from '@xyflow/react';
import { getDefinition, outputsFor } from '../flow';
import { Icon } from '../components/Icon';
import { AiNodeStatus } from './AiNodeStatus';
import type { StepNode } from './convert';
import { NEXT } from './convert';
import { useNodeOverlay } from './overlay';
import { summarize } from './summary';
import { outputLabel } from './outputLabels';
import { VariableText } from './VariableText';

/** Room for each output's words under the node, so "No branch matched" is never cut off. */
const OUTPUT_WIDTH = 96;

/** Node look shared by all kinds; `kind` only changes colour and whether it has an input. */
function StepNodeView({ id, type, data, selected, kind }: NodeProps<StepNode> & { kind: string }) {
  const def = getDefinition(type)!;
  const overlay = useNodeOverlay(id);
  const outputs = useMemo(() => (def ? outputsFor(def, data.config) : []), [def, data.config]);
  const updateInternals = useUpdateNodeInternals();
  const outputsKey = outputs.join('|');
  const firstKey = useRef(outputsKey);
  // Only when the outputs change after mount (a branch added): on mount React Flow measures
  // by itself, and 500 extra calls would make opening a big flow quadratic.
  useEffect(() => {
    if (outputsKey !== firstKey.current) updateInternals(id);
  }, [id, outputsKey, updateInternals]);

  if (!def) return <div className="fnode fnode-unknown">Unknown step: {type}</div>;
  const problems = overlay.errors.length ? overlay.errors : overlay.warnings;
  const classes = [
    'fnode',
    `kind-${kind}`,
    selected && 'selected',
    overlay.errors.length && 'has-error',
    !overlay.errors.length && overlay.warnings.length && 'has-warning',
    overlay.lit && `lit lit-${overlay.lit}`,
  ]
    .filter(Boolean)
    .join(' ');
  const single = outputs.length === 1 && outputs[0] === NEXT;
  const wide = outputs.length * OUTPUT_WIDTH > 250 ? { width: outputs.length * OUTPUT_WIDTH } : undefined;
  const name = data.label || def.label;

  return (
    <div className={classes} style={wide} data-testid={`node-${id}`} data-node-type={type}>
      {kind !== 'trigger' && <Handle type="target" position={Position.Top} className="handle-in" aria-label={`Input of ${name}`} />}
      <div className="fnode-head">
        <Icon name={def.icon} className="fnode-icon" />
        <span className="fnode-title" title={name}>
          {name}
        </span>
        {overlay.count !== undefined && (
          <span className="fnode-count" title="Conversations that passed here" data-testid="node-count">
            {overlay.count}
          </span>
        )}
      </div>
      <div className="fnode-kind">{kind === 'trigger' ? 'Starts the flow' : kind === 'condition' ? 'Checks' : 'Does'}</div>
      <div className="fnode-summary">
        <VariableText text={summarize(type, data.config)} paths />
      </div>
      {(type === 'action.ai_reply' || type === 'action.ai_agent') && <AiNodeStatus />}
      {problems.length > 0 && (
        <div
          className={overlay.errors.length ? 'fnode-issue error' : 'fnode-issue warning'}
          title={problems.join('\n')}
          data-testid="node-issue"
        >
          <Icon name={overlay.errors.length ? 'circle-alert' : 'triangle-alert'} size={13} /> {problems[0]}
          {problems.length > 1 && ` (+${problems.length - 1})`}
        </div>
      )}
      {single ? (
        <Handle type="source" id={NEXT} position={Position.Bottom} className="handle-out" aria-label={`Output of ${name}`} />
      ) : (
        outputs.length > 0 && (
          <div className="fnode-outputs">
            {outputs.map((o) => {
              const label = outputLabel(def, data.config, o);
              return (
                <div className="fnode-out" key={o} data-testid={`out-${id}-${o}`}>
                  <span>{label}</span>
                  <Handle
                    type="source"
                    id={o}
                    position={Position.Bottom}
                    className="handle-out"
                    aria-label={`“${label}” output of ${name}`}
                  />
                </div>
              );
            })}
          </div>
        )
      )}
    </div>
  );
}

export const TriggerNode = memo((p: NodeProps<StepNode>) => <StepNodeView {...p} kind="trigger" />);
export const ConditionNode = memo((p: NodeProps<StepNode>) => <StepNodeView {...p} kind="condition" />);
export const ActionNode = memo((p: NodeProps<StepNode>) => <StepNodeView {...p} kind="action" />);
TriggerNode.displayName = 'TriggerNode';
ConditionNode.displayName = 'ConditionNode';
ActionNode.displayName = 'ActionNode';
