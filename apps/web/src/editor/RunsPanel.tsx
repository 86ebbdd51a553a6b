import { useState } from 'react';
import { api, errorText, qs } from '../api/client';
import type { Run, RunStep } from '../api/types';
import { agentStepCaption, getDefinition } from '../flow';
import { dateTime, timeAgo } from '../lib/format';
import { useAsync } from '../lib/useAsync';
import { Notice } from '../components/Notice';
import { ValueView } from './ValueView';
import { Icon } from '../components/Icon';

/** Past runs of this flow; opening one lights its path and lists each step's input and output. */
export function RunsPanel({
  workflowId,
  onReplay,
  showCounts,
  onToggleCounts,
}: {
  workflowId: string;
  onReplay: (steps: RunStep[]) => void;
  showCounts: boolean;
  onToggleCounts: (on: boolean) => void;
}) {
  const runs = useAsync(() => api.get<{ runs: Run[] }>(`/api/runs${qs({ workflowId })}`).then((r) => r.runs), [workflowId]);
  const [open, setOpen] = useState<{ run: Run; steps: RunStep[] } | null>(null);
  const [error, setError] = useState<string>();

  const openRun = async (run: Run) => {
    try {
      const res = await api.get<{ run: Run; steps: RunStep[] }>(`/api/runs/${run.id}`);
      const steps = [...res.steps].sort((a, b) => a.seq - b.seq);
      setOpen({ run: res.run, steps });
      onReplay(steps);
    } catch (err) {
      setError(errorText(err));
    }
  };

  if (open) {
    return (
      <div className="runs" data-testid="run-detail">
        <button type="button" className="btn-link" onClick={() => (setOpen(null), onReplay([]))}>
          <Icon name="arrow-left" size={14} /> All runs
        </button>
        <h4>
          Run of {dateTime(open.run.createdAt)} <span className={`badge status-${open.run.status}`}>{open.run.status}</span>
        </h4>
        {open.run.error && <Notice>{open.run.error}</Notice>}
        <ol className="steps">
          {open.steps.map((s) => (
            <li key={s.seq} className={`step status-${s.status}`}>
              <div className="step-head">
                <Icon name={getDefinition(s.nodeType)?.icon} />
                <strong>{getDefinition(s.nodeType)?.label ?? s.nodeType}</strong>
                <span className={`badge status-${s.status}`}>{s.status}</span>
              </div>
              {agentStepCaption(s.output) && (
                <div className="small" data-testid="step-caption">
                  {agentStepCaption(s.output)}
                </div>
              )}
              {s.error && <div className="field-error">{s.error}</div>}
              <details>
                <summary>What went in and out</summary>
                <div className="small">
                  <strong>In</strong>
                  <ValueView value={s.input} />
                </div>
                <div className="small">
                  <strong>Out</strong>
                  <ValueView value={s.output} />
                </div>
              </details>
            </li>
          ))}
        </ol>
      </div>
    );
  }
  return (
    <div className="runs" data-testid="runs">
      <label className="check">
        <input type="checkbox" checked={showCounts} onChange={(e) => onToggleCounts(e.target.checked)} data-testid="toggle-counts" />
        Show on each step how many conversations passed
      </label>
      <Notice>{error ?? runs.error}</Notice>
      {runs.data && !runs.data.length && (
        <p className="muted small">No runs yet. Once the flow is published, each conversation it handles shows up here.</p>
      )}
      <ul className="run-list">
        {runs.data?.map((r) => (
          <li key={r.id}>
            <button type="button" onClick={() => void openRun(r)} data-testid="run-item">
              <span className={`badge status-${r.status}`}>{r.status}</span>
              <span>Version {r.versionNumber}</span>
              <span className="muted small">{timeAgo(r.createdAt)}</span>
              {/* Why a run stopped early ("Interrupted by Opening hours"), without opening it. */}
              {r.status === 'cancelled' && r.error && <span className="small run-reason">{r.error}</span>}
            </button>
          </li>
        ))}
      </ul>
      <button type="button" className="btn btn-small" onClick={() => void runs.reload()}>
        Refresh
      </button>
    </div>
  );
}
