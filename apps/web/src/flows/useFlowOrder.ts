import { useEffect, useState } from 'react';
import { api, errorText } from '../api/client';
import type { WorkflowSummary } from '../api/types';
import { toast } from '../components/toast';

/**
 * The owner's order of flows (the first live flow that matches a message answers it): moved by
 * drag and drop or the up/down buttons, saved at once. Shown optimistically; a refused save puts
 * the server's order back.
 */
export function useFlowOrder(loaded: WorkflowSummary[] | undefined) {
  const [flows, setFlows] = useState(loaded);
  const [dragging, setDragging] = useState<string | null>(null);
  useEffect(() => setFlows(loaded), [loaded]);

  const save = async (next: WorkflowSummary[], moved: WorkflowSummary) => {
    const before = flows;
    setFlows(next);
    try {
      const res = await api.put<{ workflows: WorkflowSummary[] }>('/api/workflows/order', { ids: next.map((f) => f.id) });
      setFlows(res.workflows);
      const place = res.workflows.findIndex((f) => f.id === moved.id) + 1;
      toast(`“${moved.name}” is now number ${place} in the order.`);
    } catch (err) {
      setFlows(before);
      toast(errorText(err), 'error');
    }
  };

  /** Moves `id` to `index` (0-based) in the list. */
  const moveTo = (id: string, index: number) => {
    if (!flows) return;
    const from = flows.findIndex((f) => f.id === id);
    const to = Math.max(0, Math.min(flows.length - 1, index));
    if (from < 0 || from === to) return;
    const next = [...flows];
    const [moved] = next.splice(from, 1);
    next.splice(to, 0, moved!);
    void save(next, moved!);
  };

  /** Props for a draggable row: drop a row on another to put it in that row's place. */
  const rowDrag = (wf: WorkflowSummary, index: number) => ({
    draggable: true,
    onDragStart: (e: React.DragEvent) => {
      setDragging(wf.id);
      e.dataTransfer.effectAllowed = 'move';
      e.dataTransfer.setData('text/plain', wf.id);
    },
    onDragOver: (e: React.DragEvent) => {
      if (dragging) e.preventDefault();
    },
    onDrop: (e: React.DragEvent) => {
      e.preventDefault();
      const id = dragging ?? e.dataTransfer.getData('text/plain');
      setDragging(null);
      if (id) moveTo(id, index);
    },
    onDragEnd: () => setDragging(null),
    className: dragging === wf.id ? 'dragging' : undefined,
  });

  return { flows, moveTo, rowDrag };
}
