import { useCallback, useRef, useState } from 'react';
import type { FlowDocument } from '../flow';

/**
 * Undo/redo over whole-document snapshots. Changes are recorded after a short pause, so a
 * burst of typing or a drag is one step; `undo` first records whatever is pending.
 */
export function useHistory(initial: FlowDocument) {
  const past = useRef<string[]>([]);
  const future = useRef<string[]>([]);
  const recorded = useRef(JSON.stringify(initial));
  const [, force] = useState(0);

  const record = useCallback((doc: FlowDocument) => {
    const json = JSON.stringify(doc);
    if (json === recorded.current) return;
    past.current.push(recorded.current);
    if (past.current.length > 100) past.current.shift();
    future.current = [];
    recorded.current = json;
    force((n) => n + 1);
  }, []);

  const undo = useCallback(
    (current: FlowDocument): FlowDocument | undefined => {
      record(current);
      const prev = past.current.pop();
      if (prev === undefined) return undefined;
      future.current.push(recorded.current);
      recorded.current = prev;
      force((n) => n + 1);
      return JSON.parse(prev) as FlowDocument;
    },
    [record],
  );

  const redo = useCallback((current: FlowDocument): FlowDocument | undefined => {
    if (JSON.stringify(current) !== recorded.current) return undefined;
    const next = future.current.pop();
    if (next === undefined) return undefined;
    past.current.push(recorded.current);
    recorded.current = next;
    force((n) => n + 1);
    return JSON.parse(next) as FlowDocument;
  }, []);

  return { record, undo, redo, canUndo: past.current.length > 0, canRedo: future.current.length > 0 };
}
