import { useEffect, useMemo, useState } from 'react';
import { api, errorText } from '../api/client';
import type { RunStep } from '../api/types';
import type { FlowIssue } from '../flow';
import { toast } from '../components/toast';
import type { StepNode } from './convert';
import type { Lookups } from './form/context';
import { Inspector, type FocusRequest } from './Inspector';
import { IssuesPanel } from './IssuesPanel';
import { setOverlay } from './overlay';
import { RunsPanel } from './RunsPanel';
import { Simulator } from './Simulator';
import type { FlowState } from './useFlowState';
import { flowVariables } from './variables';
import { VersionsPanel } from './VersionsPanel';

export type Tab = 'step' | 'problems' | 'test' | 'runs' | 'history';

export function SidePanel(p: {
  tab: Tab;
  setTab: (t: Tab) => void;
  state: FlowState;
  workflowId: string;
  selected: StepNode | undefined;
  errors: FlowIssue[];
  lookups: Lookups;
  focus: FocusRequest | null;
  onFocused: () => void;
  onPickIssue: (i: FlowIssue) => void;
  onPath: (path: { nodeId: string; output?: string; status: string }[]) => void;
  onReplay: (steps: RunStep[]) => void;
  activeNumber: number | null;
  versionsKey: number;
  description: string | null;
}) {
  const { state, selected } = p;
  const [showCounts, setShowCounts] = useState(false);
  const variables = useMemo(() => flowVariables(state.nodes), [state.nodes]);
  const problems = state.validation.errors.length + state.validation.warnings.length;

  useEffect(() => {
    const ids = state.nodes.map((n) => n.id);
    if (!showCounts) return setOverlay((_id, prev) => ({ ...prev, count: undefined }), ids);
    api
      .get<{ nodes: Record<string, number> }>(`/api/workflows/${p.workflowId}/stats`)
      .then((r) => setOverlay((id, prev) => ({ ...prev, count: r.nodes[id] ?? 0 }), ids))
      .catch((err) => (toast(errorText(err), 'error'), setShowCounts(false)));
  }, [showCounts]); // eslint-disable-line react-hooks/exhaustive-deps

  const tabs: { id: Tab; label: string }[] = [
    { id: 'step', label: 'Step' },
    { id: 'problems', label: problems ? `Problems (${problems})` : 'Problems' },
    { id: 'test', label: 'Try it' },
    { id: 'runs', label: 'Runs' },
    { id: 'history', label: 'Versions' },
  ];

  return (
    <aside className="side-panel">
      <div className="tabs" role="tablist">
        {tabs.map((t) => (
          <button
            key={t.id}
            role="tab"
            aria-selected={p.tab === t.id}
            className={`${p.tab === t.id ? 'active' : ''} ${t.id === 'problems' && state.validation.errors.length ? 'tab-error' : ''}`}
            onClick={() => p.setTab(t.id)}
            data-testid={`tab-${t.id}`}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div className="side-body">
        {p.tab === 'step' &&
          (selected ? (
            <Inspector
              key={selected.id}
              node={selected}
              issues={p.errors}
              warnings={state.validation.warnings.filter((w) => w.nodeId === selected.id)}
              lookups={p.lookups}
              variables={variables}
              focus={p.focus}
              onFocused={p.onFocused}
              onChange={(patch) => state.updateNode(selected.id, patch)}
              onDelete={() => state.onNodesChange([{ type: 'remove', id: selected.id }])}
            />
          ) : (
            <div className="flow-info">
              <h3>Flow settings</h3>
              <label className="field">
                <span>What this flow does</span>
                <textarea
                  rows={3}
                  defaultValue={p.description ?? ''}
                  onChange={(e) => state.setMeta({ description: e.target.value || null })}
                  placeholder="e.g. Answers delivery questions and collects cake orders"
                />
              </label>
              <div className="hint-box">
                <p>
                  <strong>How to build:</strong>
                </p>
                <ol>
                  <li>Drag a step from the left onto the canvas, or click it to add it below the selected step.</li>
                  <li>Connect a step's output (bottom dot) to the next step's top.</li>
                  <li>Click a step to fill in its settings here.</li>
                  <li>
                    Use <em>Try it</em> to chat with your draft, then <em>Publish</em>.
                  </li>
                </ol>
              </div>
            </div>
          ))}
        {p.tab === 'problems' && <IssuesPanel validation={state.validation} nodes={state.nodes} onPick={p.onPickIssue} />}
        {p.tab === 'test' && <Simulator workflowId={p.workflowId} flush={state.flush} onPath={p.onPath} />}
        {p.tab === 'runs' && (
          <RunsPanel workflowId={p.workflowId} onReplay={p.onReplay} showCounts={showCounts} onToggleCounts={setShowCounts} />
        )}
        {p.tab === 'history' && (
          <VersionsPanel workflowId={p.workflowId} activeNumber={p.activeNumber} onRestore={state.applyDoc} refreshKey={p.versionsKey} />
        )}
      </div>
    </aside>
  );
}
