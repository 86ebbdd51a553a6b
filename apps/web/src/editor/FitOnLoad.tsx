import { useEffect, useRef } from 'react';
import { useNodesInitialized, useReactFlow, useStore } from '@xyflow/react';
import { getDefinition } from '../flow';

/** Past this many steps the editor opens on the trigger rather than fitting the whole flow. */
const BIG_FLOW = 150;

/**
 * Fits the flow once its nodes are measured. React Flow's own `fitView` prop can run before
 * measurement (seen under StrictMode) and then centres on a point at max zoom. A big flow
 * opens on its trigger at a readable zoom instead: fitting 500 steps would draw every one
 * of them unreadably small, and culling keeps the first render to the few on screen.
 */
export function FitOnLoad({ maxZoom = 1, padding = 0.15 }: { maxZoom?: number; padding?: number }) {
  const initialized = useNodesInitialized();
  const flow = useReactFlow();
  const nodeCount = useStore((s) => s.nodeLookup.size);
  const done = useRef(false);
  useEffect(() => {
    if (done.current || nodeCount === 0) return;
    const fit = () => {
      if (done.current) return;
      done.current = true;
      const nodes = flow.getNodes();
      if (nodes.length > BIG_FLOW) {
        const start = nodes.find((n) => getDefinition(n.type ?? '')?.kind === 'trigger') ?? nodes[0]!;
        void flow.setCenter(start.position.x + 125, start.position.y + 250, { zoom: 0.8 });
      } else {
        void flow.fitView({ padding, maxZoom, minZoom: 0.05 });
      }
    };
    if (initialized || nodeCount > BIG_FLOW) return fit();
    // Culled flows never report every node measured: fit on the initial sizes instead.
    const timer = setTimeout(fit, 400);
    return () => clearTimeout(timer);
  }, [initialized, nodeCount, flow, maxZoom, padding]);
  return null;
}
