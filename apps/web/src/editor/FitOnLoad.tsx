import { useEffect, useRef } from 'react';
import { useNodesInitialized, useReactFlow } from '@xyflow/react';

/**
 * Fits the whole flow once its nodes are measured. React Flow's own `fitView` prop can run
 * before measurement (seen under StrictMode) and then centres on a point at max zoom.
 */
export function FitOnLoad({ maxZoom = 1, padding = 0.15 }: { maxZoom?: number; padding?: number }) {
  const initialized = useNodesInitialized();
  const { fitView } = useReactFlow();
  const done = useRef(false);
  useEffect(() => {
    if (done.current) return;
    const fit = () => {
      if (done.current) return;
      done.current = true;
      void fitView({ padding, maxZoom, minZoom: 0.05 });
    };
    if (initialized) fit();
    // Culled big flows never report every node measured: fit on the initial sizes instead.
    const timer = setTimeout(fit, 400);
    return () => clearTimeout(timer);
  }, [initialized, fitView, maxZoom, padding]);
  return null;
}
