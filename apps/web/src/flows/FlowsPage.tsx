import { useRef, useState } from 'react';
import { api, errorText } from '../api/client';
import type { Requirement, WorkflowDetail, WorkflowSummary } from '../api/types';
import { getDefinition } from '../flow';
import { timeAgo } from '../lib/format';
import { Link, navigate } from '../lib/router';
import { useAsync } from '../lib/useAsync';
import { EmptyState } from '../components/EmptyState';
import { Modal } from '../components/Modal';
import { Notice } from '../components/Notice';
import { PageHeader } from '../components/PageHeader';
import { toast } from '../components/toast';
import { downloadExport } from '../editor/exportFlow';
import { useFlowOrder } from './useFlowOrder';
import './flows.css';
import { Icon } from '../components/Icon';

const statusLabels = { draft: 'Draft', active: 'Live', paused: 'Paused' };

/** Opens a freshly imported flow with its checklist of what still needs filling. */
export function openImported(workflow: { id: string }, requires: Requirement[] | undefined) {
  if (requires?.length) sessionStorage.setItem(`requires:${workflow.id}`, JSON.stringify(requires));
  navigate(`/flows/${workflow.id}`);
}

/** A new flow starts empty: the editor guides the owner to pick its trigger first. */
const blank = { schemaVersion: 1, nodes: [], edges: [] };

export function FlowsPage() {
  const flows = useAsync(() => api.get<{ workflows: WorkflowSummary[] }>('/api/workflows').then((r) => r.workflows), []);
  const file = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string>();
  const [naming, setNaming] = useState(false);
  const order = useFlowOrder(flows.data);

  const create = async (name: string) => {
    try {
      const wf = await api.post<WorkflowDetail>('/api/workflows', { name: name.trim() || 'New flow', definition: blank });
      navigate(`/flows/${wf.id}`);
    } catch (err) {
      setNaming(false);
      setError(errorText(err));
    }
  };

  const importFile = async (f: File | undefined) => {
    if (!f) return;
    try {
      const document = JSON.parse(await f.text()) as unknown;
      const res = await api.post<{ workflow: WorkflowDetail; requires: Requirement[] }>('/api/workflows/import', { document });
      toast('Flow imported.');
      openImported(res.workflow, res.requires);
    } catch (err) {
      setError(err instanceof SyntaxError ? 'This file is not a Switchboard flow (it is not valid JSON).' : errorText(err));
    } finally {
      if (file.current) file.current.value = '';
    }
  };

  const remove = async (wf: WorkflowSummary) => {
    if (!confirm(`Delete “${wf.name}”? It stops answering right away.`)) return;
    try {
      await api.del(`/api/workflows/${wf.id}`);
      void flows.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <div className="page">
      <PageHeader
        title="Flows"
        subtitle="Automations that answer customers for you. Each starts with a trigger and follows the steps you draw."
        actions={
          <>
            <input
              ref={file}
              type="file"
              accept="application/json,.json"
              hidden
              onChange={(e) => void importFile(e.target.files?.[0])}
              data-testid="import-file"
            />
            <button className="btn" onClick={() => file.current?.click()}>
              <Icon name="upload" size={14} /> Import a file
            </button>
            <Link className="btn" to="/templates">
              <Icon name="sparkles" size={14} /> From a template
            </Link>
            <button className="btn btn-primary" onClick={() => setNaming(true)} data-testid="new-flow">
              + New flow
            </button>
          </>
        }
      />
      <Notice>{error ?? flows.error}</Notice>
      {naming && (
        <Modal title="Name your flow" onClose={() => setNaming(false)}>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void create(String(new FormData(e.currentTarget).get('name') ?? ''));
            }}
          >
            <label className="field">
              <span>Flow name</span>
              <input name="name" required maxLength={200} autoFocus placeholder="e.g. Opening hours, Cake orders" />
            </label>
            <p className="muted small">You can change it later at the top of the editor.</p>
            <div className="form-foot">
              <button type="button" className="btn" onClick={() => setNaming(false)}>
                Cancel
              </button>
              <button type="submit" className="btn btn-primary">
                Create flow
              </button>
            </div>
          </form>
        </Modal>
      )}
      {flows.data && flows.data.length === 0 && (
        <EmptyState
          icon="workflow"
          title="No flows yet"
          action={
            <Link className="btn btn-primary" to="/templates">
              Browse templates
            </Link>
          }
        >
          Start from a ready-made template (opening hours, FAQ, lead capture…) or create a blank flow.
        </EmptyState>
      )}
      {order.flows && order.flows.length > 0 && (
        <>
          <p className="muted small" id="flow-order-help">
            When a message arrives, the first live flow in this list that matches it answers; the others stay quiet. Drag a flow, or use its
            arrows, to change the order.
          </p>
          <table className="table" data-testid="flows-table" aria-describedby="flow-order-help">
            <thead>
              <tr>
                <th>Order</th>
                <th>Name</th>
                <th>Starts when</th>
                <th>Status</th>
                <th>Updated</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {order.flows.map((wf, index, all) => (
                <tr key={wf.id} {...order.rowDrag(wf, index)} data-testid="flow-row">
                  <td className="flow-order">
                    <span className="drag-handle" title="Drag to change the order" aria-hidden>
                      <Icon name="menu" size={14} />
                    </span>
                    <span className="flow-order-number">{index + 1}</span>
                    <button
                      type="button"
                      className="btn btn-small btn-icon"
                      aria-label={`Move “${wf.name}” up`}
                      disabled={index === 0}
                      onClick={() => order.moveTo(wf.id, index - 1)}
                    >
                      <Icon name="arrow-up" size={14} />
                    </button>
                    <button
                      type="button"
                      className="btn btn-small btn-icon"
                      aria-label={`Move “${wf.name}” down`}
                      disabled={index === all.length - 1}
                      onClick={() => order.moveTo(wf.id, index + 1)}
                    >
                      <Icon name="arrow-down" size={14} />
                    </button>
                  </td>
                  <td>
                    <Link to={`/flows/${wf.id}`} className="strong">
                      {wf.name}
                    </Link>
                    {wf.description && <div className="muted small">{wf.description}</div>}
                    {wf.answers && <div className="small flow-answers">Answers: {wf.answers}</div>}
                  </td>
                  <td>
                    {wf.triggerType ? (
                      <span className="with-icon">
                        <Icon name={getDefinition(wf.triggerType)?.icon} /> {getDefinition(wf.triggerType)?.label ?? wf.triggerType}
                      </span>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>
                    <span className={`badge status-${wf.status}`}>{statusLabels[wf.status]}</span>
                    {wf.activeVersion ? <span className="muted small"> v{wf.activeVersion}</span> : null}
                  </td>
                  <td className="muted">{timeAgo(wf.updatedAt)}</td>
                  <td className="row-actions">
                    <button className="btn btn-small" onClick={() => void downloadExport(wf.id, wf.name)}>
                      Export
                    </button>
                    <button className="btn btn-small btn-danger" onClick={() => void remove(wf)}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
