import { memo, useMemo } from 'react';
import { ReactFlow, ReactFlowProvider } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { FlowDocument } from '../flow';
import { fromDoc } from '../editor/convert';
import { nodeTypes } from '../editor/nodeTypes';
import { FitOnLoad } from '../editor/FitOnLoad';

/** A read-only, non-interactive picture of a flow, for template cards. */
export const FlowPreview = memo(function FlowPreview({ doc }: { doc: FlowDocument }) {
  const { nodes, edges } = useMemo(() => fromDoc(doc), [doc]);
  return (
    <div className="flow-preview" aria-hidden>
      <ReactFlowProvider>
        <ReactFlow
          nodes={nodes}
          edges={edges.map((e) => ({ ...e, type: 'smoothstep' }))}
          nodeTypes={nodeTypes}
          minZoom={0.05}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={false}
          panOnDrag={false}
          zoomOnScroll={false}
          zoomOnPinch={false}
          zoomOnDoubleClick={false}
          preventScrolling={false}
          proOptions={{ hideAttribution: true }}
        >
          <FitOnLoad padding={0.08} />
        </ReactFlow>
      </ReactFlowProvider>
    </div>
  );
});
