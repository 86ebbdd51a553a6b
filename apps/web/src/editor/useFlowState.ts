import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useEdgesState, useNodesState, type Connection, type Edge, type EdgeChange, type NodeChange, type XYPosition } from '@xyflow/react';
import { api, ApiError, errorText } from '../api/client';
import type { WorkflowDetail } from '../api/types';
import { getDefinition, validate, type ConnectedChannel, type FlowDocument, type Validation } from '../flow';
import { fromDoc, newId, toDoc, type StepNode } from './convert';
import { setOverlay } from './overlay';
import { useHistory } from './useHistory';

const NO_CHANNELS: readonly ConnectedChannel[] = [];

export type SaveState = 'saved' | 'dirty' | 'saving' | 'error';

const structural = new Set(['add', 'remove', 'replace']);

/** React Flow draws a node as a group; its accessible name is the step's name on the canvas. */
function named(node: StepNode): StepNode {
  const ariaLabel = node.data.label || getDefinition(node.type ?? '')?.label || 'Unknown step';
  return node.ariaLabel === ariaLabel ? node : { ...node, ariaLabel };
}
const withNames = (doc: FlowDocument) => {
  const { nodes, edges } = fromDoc(doc);
  return { nodes: nodes.map(named), edges };
};

/**
 * The editor's document: React Flow nodes/edges plus everything that follows a change —
 * validation drawn on the nodes, undo history and the debounced autosave of the draft.
 */
export function useFlowState(workflow: WorkflowDetail, channels: readonly ConnectedChannel[] = NO_CHANNELS) {
  const initial = useMemo(() => withNames(workflow.definition), [workflow.definition]);
  const [nodes, setNodes, baseNodesChange] = useNodesState<StepNode>(initial.nodes);
  const [edges, setEdges, baseEdgesChange] = useEdgesState<Edge>(initial.edges);
  const [rev, setRev] = useState(0);
  const [saveState, setSaveState] = useState<SaveState>('saved');
  const [saveError, setSaveError] = useState<string>();
  const [validation, setValidation] = useState<Validation>(() => validate(workflow.definition, channels));
  const history = useHistory(workflow.definition);
  const latest = useRef({ nodes, edges });
  latest.current = { nodes, edges };
  const savedRev = useRef(0);
  const meta = useRef({ name: workflow.name, description: workflow.description });
  const bump = useCallback(() => setRev((r) => r + 1), []);
  const currentDoc = useCallback(() => toDoc(latest.current.nodes, latest.current.edges), []);

  const onNodesChange = useCallback(
    (changes: NodeChange<StepNode>[]) => {
      baseNodesChange(changes);
      if (changes.some((c) => structural.has(c.type) || (c.type === 'position' && !c.dragging && c.position))) bump();
    },
    [baseNodesChange, bump],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      baseEdgesChange(changes);
      if (changes.some((c) => structural.has(c.type))) bump();
    },
    [baseEdgesChange, bump],
  );

  const revRef = useRef(rev);
  revRef.current = rev;
  const inflight = useRef<Promise<boolean> | null>(null);
  const retryTimer = useRef<ReturnType<typeof setTimeout>>(undefined);

  /** One PUT of the current document; the server keeps any draft, invalid or not. */
  const saveNow = useCallback(async (): Promise<boolean> => {
    const mine = revRef.current;
    if (mine === savedRev.current) return true;
    clearTimeout(retryTimer.current);
    setSaveState('saving');
    try {
      const { name, description } = meta.current;
      // A name being retyped is blank for a moment; the server keeps the old one then.
      await api.put<WorkflowDetail>(`/api/workflows/${workflow.id}`, {
        ...(name.trim() ? { name } : {}),
        description: description || null,
        definition: currentDoc(),
      });
      savedRev.current = Math.max(savedRev.current, mine);
      setSaveError(undefined);
      setSaveState(savedRev.current === revRef.current ? 'saved' : 'dirty');
      return true;
    } catch (err) {
      setSaveState('error');
      setSaveError(errorText(err));
      // A lost connection or a busy server passes: try again by itself, as well as on "Retry".
      if (err instanceof ApiError && (err.status === 0 || err.status === 429 || err.status >= 500)) {
        retryTimer.current = setTimeout(() => void saveRef.current(), 5_000);
      }
      return false;
    }
  }, [workflow.id, currentDoc]);

  /** Saves queue behind each other, so an older save never lands after a newer one. */
  const save = useCallback((): Promise<boolean> => {
    const run = (inflight.current ?? Promise.resolve(true)).then(saveNow);
    inflight.current = run;
    void run.finally(() => {
      if (inflight.current === run) inflight.current = null;
    });
    return run;
  }, [saveNow]);

  const saveRef = useRef(save);
  saveRef.current = save;
  /** Saves now if anything is unsaved (before publishing, testing or leaving); false if it failed. */
  const flush = useCallback(() => saveRef.current(), []);
  useEffect(
    () => () => {
      clearTimeout(retryTimer.current);
      void saveRef.current();
    },
    [],
  );

  // Everything that follows an edit: validation quickly, history after a pause, save after a longer one.
  useEffect(() => {
    const doc = currentDoc();
    const v = setTimeout(() => setValidation(validate(doc, channels)), rev === 0 ? 0 : 120);
    if (rev === 0) return () => clearTimeout(v);
    setSaveState((s) => (s === 'saving' ? s : 'dirty'));
    const h = setTimeout(() => history.record(doc), 400);
    const s = setTimeout(() => void save(), 800);
    return () => [v, h, s].forEach(clearTimeout);
  }, [rev]); // eslint-disable-line react-hooks/exhaustive-deps

  // The channel list arrives after the canvas: check again with the rules of its messaging windows.
  useEffect(() => {
    if (channels !== NO_CHANNELS) setValidation(validate(currentDoc(), channels));
  }, [channels, currentDoc]);

  useEffect(() => {
    const errors = new Map<string, string[]>();
    const warnings = new Map<string, string[]>();
    for (const i of validation.errors) if (i.nodeId) errors.set(i.nodeId, [...(errors.get(i.nodeId) ?? []), i.message]);
    for (const i of validation.warnings) if (i.nodeId) warnings.set(i.nodeId, [...(warnings.get(i.nodeId) ?? []), i.message]);
    setOverlay(
      (id, prev) => ({ ...prev, errors: errors.get(id) ?? [], warnings: warnings.get(id) ?? [] }),
      latest.current.nodes.map((n) => n.id),
    );
  }, [validation]);

  const applyDoc = useCallback(
    (doc: FlowDocument) => {
      const next = withNames(doc);
      setNodes(next.nodes);
      setEdges(next.edges);
      bump();
    },
    [setNodes, setEdges, bump],
  );

  const updateNode = useCallback(
    (id: string, patch: Partial<StepNode['data']>) => {
      setNodes((ns) => ns.map((n) => (n.id === id ? named({ ...n, data: { ...n.data, ...patch } }) : n)));
      bump();
    },
    [setNodes, bump],
  );

  const connect = useCallback(
    (c: Connection) => {
      if (!c.source || !c.target || c.source === c.target) return;
      const handle = c.sourceHandle ?? null;
      setEdges((es) => [
        // One edge per output: connecting an output again moves it.
        ...es.filter((e) => !(e.source === c.source && (e.sourceHandle ?? null) === handle)),
        { id: newId('e', new Set(es.map((e) => e.id))), source: c.source, target: c.target, sourceHandle: handle },
      ]);
      bump();
    },
    [setEdges, bump],
  );

  const addNode = useCallback(
    (type: string, position: XYPosition, from?: { nodeId: string; handle: string }) => {
      const def = getDefinition(type);
      if (!def) return undefined;
      const id = newId(type, new Set(latest.current.nodes.map((n) => n.id)));
      const node: StepNode = named({
        id,
        type,
        position,
        selected: true,
        data: { config: structuredClone(def.defaults ?? {}) as Record<string, unknown> },
      });
      setNodes((ns) => [...ns.map((n) => (n.selected ? { ...n, selected: false } : n)), node]);
      if (from) connect({ source: from.nodeId, sourceHandle: from.handle, target: id, targetHandle: null });
      bump();
      return id;
    },
    [setNodes, connect, bump],
  );

  const select = useCallback(
    (id: string | null) => {
      setNodes((ns) => ns.map((n) => ((n.id === id) === !!n.selected ? n : { ...n, selected: n.id === id })));
    },
    [setNodes],
  );

  const setMeta = useCallback(
    (patch: { name?: string; description?: string | null }) => {
      meta.current = { ...meta.current, ...patch };
      bump();
    },
    [bump],
  );

  const undo = useCallback(() => {
    const doc = history.undo(currentDoc());
    if (doc) applyDoc(doc);
  }, [history, currentDoc, applyDoc]);
  const redo = useCallback(() => {
    const doc = history.redo(currentDoc());
    if (doc) applyDoc(doc);
  }, [history, currentDoc, applyDoc]);

  return {
    nodes,
    edges,
    setNodes,
    setEdges,
    onNodesChange,
    onEdgesChange,
    connect,
    addNode,
    updateNode,
    select,
    applyDoc,
    validation,
    save,
    flush,
    saveState,
    saveError,
    rev,
    currentDoc,
    setMeta,
    meta,
    undo,
    redo,
    bump,
    canUndo: history.canUndo || rev > 0,
    canRedo: history.canRedo,
  };
}

export type FlowState = ReturnType<typeof useFlowState>;
