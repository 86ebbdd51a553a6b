import type { NodeTypes } from '@xyflow/react';
import { definitions } from '../flow';
import { ActionNode, ConditionNode, TriggerNode } from './FlowNode';

const looks = { trigger: TriggerNode, condition: ConditionNode, action: ActionNode };

/** Built once at module level: React Flow warns (and re-mounts) when nodeTypes changes. */
export const nodeTypes: NodeTypes = Object.fromEntries(definitions.map((d) => [d.type, looks[d.kind]]));
