import { useCallback, useEffect, useMemo, useState } from 'react';
import { useReactFlow } from '@xyflow/react';
import { api, ApiError, errorText } from '../api/client';
import type { FlowStatus, RunStep, WorkflowDetail } from '../api/types';
import { getDefinition, outputsFor, type FlowIssue, type Requirement } from '../flow';
import { toast } from '../components/toast';
import { Canvas } from './Canvas';
import { Checklist } from './Checklist';
import type { Lookups } from './form/context';
import { autoLayout } from './layout';
import { lightPath, noLight, type Lit } from './lit';
import { setOverlay } from './overlay';
import { Palette } from './Palette';
import { OrderConflicts, PublishProblems, type PublishIssue } from './PublishProblems';
import { navigate } from '../lib/router';
import { SampleDetailsDialog, type SampleDetail } from './SampleDetailsDialog';
import { StartGuide } from './StartGuide';
import { SidePanel, type Tab } from './SidePanel';
import { Toolbar } from './Toolbar';
import { useFlowState } from './useFlowState';
import { useEditorKeys } from './useEditorKeys';
import { downloadExport } from './exportFlow';

function storedRequires(id: string): Requirement[] | undefined {
  try {
    const raw = sessionStorage.getItem(`requires:${id}`);
    return raw ? (JSON.parse(raw) as Requirement[]) : undefined;
  } catch {
    return undefined;
  }
}

export function Workspace({ workflow, lookups }: { workflow: WorkflowDetail; lookups: Lookups }) {
  const state = useFlowState(workflow, lookups.channels);
  const flow = useReactFlow();
  const [name, setName] = useState(workflow.name);
  const [status, setStatus] = useState<FlowStatus>(workflow.status);
  const [activeNumber, setActiveNumber] = useState(workflow.activeVersion?.number ?? null);
  const [tab, setTab] = useState<Tab>('step');
  const [focus, setFocus] = useState<{ field?: string; nonce: number } | null>(null);
  const [lit, setLit] = useState<Lit>(noLight);
  const [publishing, setPublishing] = useState(false);
  const [versionsKey, setVersionsKey] = useState(0);
  const [requires] = useState(() => (workflow.requires?.length ? workflow.requires : (storedRequires(workflow.id) ?? [])));
  const [checklistOpen, setChecklistOpen] = useState(requires.length > 0);
  const [done, setDone] = useState<Set<number>>(new Set());
  const [problems, setProblems] = useState<PublishIssue[] | null>(null);
  const [samples, setSamples] = useState<SampleDetail[] | null>(null);
  const [conflicts, setConflicts] = useState<PublishIssue[] | null>(null);
  useEditorKeys(state);

  useEffect(() => {
    setOverlay(
      (id, prev) => ({ ...prev, lit: lit.nodes.get(id) }),
      state.nodes.map((n) => n.id),
    );
  }, [lit]); // eslint-disable-line react-hooks/exhaustive-deps

  const selected = useMemo(() => {
    const sel = state.nodes.filter((n) => n.selected);
    return sel.length === 1 ? sel[0] : undefined;
  }, [state.nodes]);

  const pick = useCallback(
    (nodeId: string | undefined, field?: string) => {
      if (!nodeId) return setTab('problems');
      state.select(nodeId);
      setTab('step');
      setFocus({ field, nonce: Date.now() });
      const node = flow.getNode(nodeId);
      if (node) void flow.setCenter(node.position.x + 120, node.position.y + 50, { zoom: Math.max(flow.getZoom(), 0.9), duration: 300 });
    },
    [state, flow],
  );

  const addFromPalette = useCallback(
    (type: string) => {
      const from = selected && getDefinition(selected.type ?? '');
      const free =
        from &&
        outputsFor(from, selected!.data.config).find((o) => !state.edges.some((e) => e.source === selected!.id && e.sourceHandle === o));
      if (selected && free && getDefinition(type)?.kind !== 'trigger') {
        state.addNode(type, { x: selected.position.x, y: selected.position.y + 170 }, { nodeId: selected.id, handle: free });
      } else {
        const box = document.querySelector('.canvas')?.getBoundingClientRect();
        const p = flow.screenToFlowPosition({
          x: (box?.left ?? 0) + (box?.width ?? 800) / 2,
          y: (box?.top ?? 0) + (box?.height ?? 600) / 2,
        });
        state.addNode(type, { x: p.x - 120 + Math.random() * 40, y: p.y - 50 + Math.random() * 40 });
      }
      setTab('step');
    },
    [selected, state, flow],
  );

  const publish = async (allowSamples = false) => {
    setPublishing(true);
    try {
      // Publishing takes the saved draft: an unsaved change would silently be left out.
      if (!(await state.flush()))
        throw new Error('Your latest changes could not be saved, so nothing was published. Use “Retry” at the top, then publish again.');
      const res = await api.post<{ workflow: WorkflowDetail; version: { number: number }; warnings?: PublishIssue[] }>(
        `/api/workflows/${workflow.id}/publish`,
        allowSamples ? { allowSamples } : undefined,
      );
      const orderConflicts = res.warnings?.filter((w) => w.code === 'flow_order_conflict') ?? [];
      if (orderConflicts.length) setConflicts(orderConflicts);
      setStatus('active');
      setActiveNumber(res.version.number);
      setVersionsKey((k) => k + 1);
      toast(`Published! Version ${res.version.number} is now live.`);
    } catch (err) {
      const listed =
        err instanceof ApiError && err.code === 'flow_invalid'
          ? (err.details as { errors?: PublishIssue[] } | undefined)?.errors
          : undefined;
      const sampleDetails =
        err instanceof ApiError && err.code === 'sample_details_left'
          ? (err.details as { placeholders?: SampleDetail[] } | undefined)?.placeholders
          : undefined;
      if (listed?.length) {
        setProblems(listed);
        setTab('problems');
      } else if (sampleDetails?.length) {
        setSamples(sampleDetails);
      } else {
        toast(errorText(err), 'error');
      }
    } finally {
      setPublishing(false);
    }
  };

  const pause = async () => {
    try {
      await api.post(`/api/workflows/${workflow.id}/pause`);
      setStatus('paused');
      toast('Paused. The flow no longer answers until you publish it again.');
    } catch (err) {
      toast(errorText(err), 'error');
    }
  };

  const layout = () => {
    state.setNodes(autoLayout(state.nodes, state.edges));
    state.bump();
    setTimeout(() => void flow.fitView({ padding: 0.15, maxZoom: 1, duration: 300 }), 60);
  };

  const onPath = useCallback(
    (path: { nodeId: string; output?: string; status: string }[]) => setLit(lightPath(path, state.edges)),
    [state.edges],
  );
  const onReplay = useCallback(
    (steps: RunStep[]) =>
      setLit(
        lightPath(
          steps.map((s) => ({ nodeId: s.nodeId, status: s.status, output: (s.output as { output?: string } | null)?.output })),
          state.edges,
        ),
      ),
    [state.edges],
  );
  const errorsOf = (id: string): FlowIssue[] => state.validation.errors.filter((i) => i.nodeId === id);

  return (
    <div className="editor" data-testid="editor">
      <Toolbar
        name={name}
        onRename={(n) => (setName(n), state.setMeta({ name: n }))}
        status={status}
        saveState={state.saveState}
        saveError={state.saveError}
        onRetrySave={() => void state.flush()}
        canUndo={state.canUndo}
        canRedo={state.canRedo}
        onUndo={state.undo}
        onRedo={state.redo}
        onLayout={layout}
        onExport={() => void downloadExport(workflow.id, name, state.currentDoc())}
        onPublish={() => void publish()}
        onPause={() => void pause()}
        publishing={publishing}
        errorCount={state.validation.errors.length}
      />
      <div className="editor-body">
        <Palette onAdd={addFromPalette} />
        <div className="editor-center">
          {checklistOpen && requires.length > 0 && (
            <Checklist
              requires={requires}
              nodes={state.nodes}
              errors={state.validation.errors}
              done={done}
              onPick={(r) => pick(r.nodeId, r.field)}
              onToggle={(i) => setDone((d) => new Set(d.has(i) ? [...d].filter((x) => x !== i) : [...d, i]))}
              onClose={() => setChecklistOpen(false)}
            />
          )}
          <StartGuide nodes={state.nodes} edges={state.edges} />
          <Canvas state={state} litEdges={lit.edges} />
        </div>
        <SidePanel
          tab={tab}
          setTab={setTab}
          state={state}
          workflowId={workflow.id}
          selected={selected}
          errors={selected ? errorsOf(selected.id) : []}
          lookups={lookups}
          focus={focus}
          onFocused={() => setFocus(null)}
          onPickIssue={(i) => pick(i.nodeId, i.field)}
          onPath={onPath}
          onReplay={onReplay}
          activeNumber={activeNumber}
          versionsKey={versionsKey}
          description={workflow.description}
        />
      </div>
      {conflicts && <OrderConflicts conflicts={conflicts} onClose={() => setConflicts(null)} onChangeOrder={() => navigate('/flows')} />}
      {samples && (
        <SampleDetailsDialog
          items={samples}
          onClose={() => setSamples(null)}
          onPick={(i) => (setSamples(null), pick(i.nodeId, i.field))}
          onPublishAnyway={() => (setSamples(null), void publish(true))}
        />
      )}
      {problems && (
        <PublishProblems
          issues={problems}
          nodes={state.nodes}
          onClose={() => setProblems(null)}
          onPick={(i) => (setProblems(null), pick(i.nodeId, i.field))}
        />
      )}
    </div>
  );
}
