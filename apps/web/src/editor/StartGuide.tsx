import type { Edge } from '@xyflow/react';
import { getDefinition } from '../flow';
import type { StepNode } from './convert';

/**
 * The next move on a flow made from scratch, until it has a trigger and a first step: an
 * empty canvas is a dead end for someone who has never drawn a flow.
 */
export function StartGuide({ nodes, edges }: { nodes: StepNode[]; edges: Edge[] }) {
  const trigger = nodes.find((n) => getDefinition(n.type ?? '')?.kind === 'trigger');
  let text: string | undefined;
  if (!nodes.length) text = 'Start by choosing what starts this flow: click a trigger on the left, for example “Message received”.';
  else if (trigger && nodes.length === 1)
    text =
      'Now add what happens next: with the trigger selected, click a step on the left (for example “Send message”). It is added below and connected.';
  else if (trigger && !edges.length)
    text = 'Connect the steps: drag from the dot at the bottom of the trigger to the top of the next step.';
  if (!text) return null;
  return (
    <div className="checklist" role="note" aria-label="How to start" data-testid="start-guide">
      <div className="checklist-head">
        <strong>{text}</strong>
      </div>
    </div>
  );
}
