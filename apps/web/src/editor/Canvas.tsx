import { useCallback, useMemo, type DragEvent } from 'react';
import { Background, Controls, MiniMap, ReactFlow, useReactFlow, type Edge, type IsValidConnection } from '@xyflow/react';
import { getDefinition } from '../flow';
import type { FlowState } from './useFlowState';
import { nodeTypes } from './nodeTypes';
import { FitOnLoad } from './FitOnLoad';

/**
 * React Flow prevents the default of pointer-down on the pane and nodes, so focus would stay
 * in the inspector's last input and Delete / Ctrl+Z would edit that text instead of the canvas.
 */
function blurForm() {
  const active = document.activeElement as HTMLElement | null;
  if (active && active !== document.body && !active.closest('.react-flow')) active.blur();
}

export const DRAG_TYPE = 'application/x-switchboard-step';

const defaultEdgeOptions = { type: 'smoothstep', markerEnd: { type: 'arrowclosed' as const } };

/** The React Flow canvas: drop from the palette, connect named outputs, Delete removes. */
export function Canvas({ state, litEdges, readOnly }: { state: FlowState; litEdges: Set<string>; readOnly?: boolean }) {
  const { screenToFlowPosition } = useReactFlow();

  const edges = useMemo<Edge[]>(
    () =>
      litEdges.size === 0
        ? state.edges
        : state.edges.map((e) => (litEdges.has(e.id) ? { ...e, className: 'lit', animated: true, zIndex: 1 } : e)),
    [state.edges, litEdges],
  );

  const isValidConnection = useCallback<IsValidConnection>(
    (c) => {
      if (c.source === c.target) return false;
      const target = state.nodes.find((n) => n.id === c.target);
      return !!target && getDefinition(target.type ?? '')?.kind !== 'trigger';
    },
    [state.nodes],
  );

  const onDragOver = (e: DragEvent) => {
    if (e.dataTransfer.types.includes(DRAG_TYPE)) {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    }
  };
  const onDrop = (e: DragEvent) => {
    const type = e.dataTransfer.getData(DRAG_TYPE);
    if (!type) return;
    e.preventDefault();
    const p = screenToFlowPosition({ x: e.clientX, y: e.clientY });
    state.addNode(type, { x: p.x - 120, y: p.y - 30 });
  };

  return (
    <div className="canvas" onDragOver={onDragOver} onDrop={onDrop} onPointerDownCapture={blurForm} data-testid="canvas">
      <ReactFlow
        nodes={state.nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={state.onNodesChange}
        onEdgesChange={state.onEdgesChange}
        onConnect={state.connect}
        isValidConnection={isValidConnection}
        defaultEdgeOptions={defaultEdgeOptions}
        deleteKeyCode={readOnly ? null : ['Delete', 'Backspace']}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        minZoom={0.1}
        onlyRenderVisibleElements={state.nodes.length > 150}
        proOptions={{ hideAttribution: true }}
      >
        <FitOnLoad />
        <Background gap={20} size={1.2} />
        <Controls showInteractive={false} />
        {state.nodes.length > 12 && state.nodes.length <= 150 && (
          <MiniMap pannable zoomable nodeStrokeWidth={3} style={{ width: 150, height: 100 }} />
        )}
      </ReactFlow>
    </div>
  );
}
