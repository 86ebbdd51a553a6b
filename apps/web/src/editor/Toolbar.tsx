import type { FlowStatus } from '../api/types';
import { useSession } from '../auth/session';
import { Link } from '../lib/router';
import type { SaveState } from './useFlowState';
import { Icon } from '../components/Icon';

const saveLabels: Record<SaveState, string> = { saved: 'All changes saved', dirty: 'Saving soon…', saving: 'Saving…', error: 'Not saved' };
const statusLabels: Record<FlowStatus, string> = { draft: 'Draft', active: 'Live', paused: 'Paused' };

export function Toolbar(p: {
  name: string;
  onRename: (name: string) => void;
  status: FlowStatus;
  saveState: SaveState;
  saveError?: string;
  onRetrySave: () => void;
  canUndo: boolean;
  canRedo: boolean;
  onUndo: () => void;
  onRedo: () => void;
  onLayout: () => void;
  onExport: () => void;
  onPublish: () => void;
  onPause: () => void;
  publishing: boolean;
  errorCount: number;
}) {
  // Agents answer conversations; exporting, publishing and pausing flows are for admins and owners.
  const canManage = useSession().me.role !== 'agent';
  return (
    <div className="toolbar">
      <Link to="/flows" className="btn-link toolbar-back">
        <Icon name="arrow-left" size={14} /> Flows
      </Link>
      <input
        className="flow-name"
        value={p.name}
        onChange={(e) => p.onRename(e.target.value)}
        aria-label="Flow name"
        data-testid="flow-name"
      />
      <span className={`badge status-${p.status}`} data-testid="flow-status">
        {statusLabels[p.status]}
      </span>
      <span className={`save-state save-${p.saveState}`} data-testid="save-state" title={p.saveError} role="status">
        {saveLabels[p.saveState]}
        {p.saveState === 'error' && (
          <>
            {/* The reason in full is the title; the toolbar keeps room for the flow's name. */}
            {p.saveError && (
              <span
                className="save-error"
                style={{ display: 'inline-block', maxWidth: 240, overflow: 'hidden', textOverflow: 'ellipsis', verticalAlign: 'bottom' }}
              >
                &nbsp;· {p.saveError}
              </span>
            )}{' '}
            <button type="button" className="btn-link" onClick={p.onRetrySave} aria-label="Retry saving">
              Retry
            </button>
          </>
        )}
      </span>
      <span className="spacer" />
      <button
        type="button"
        className="btn btn-small"
        onClick={p.onUndo}
        disabled={!p.canUndo}
        title="Undo (Ctrl+Z)"
        data-testid="undo"
        aria-label="Undo"
      >
        <Icon name="undo-2" size={14} />
        <span className="btn-text">Undo</span>
      </button>
      <button
        type="button"
        className="btn btn-small"
        onClick={p.onRedo}
        disabled={!p.canRedo}
        title="Redo (Ctrl+Shift+Z)"
        data-testid="redo"
        aria-label="Redo"
      >
        <Icon name="redo-2" size={14} />
        <span className="btn-text">Redo</span>
      </button>
      <button
        type="button"
        className="btn btn-small"
        onClick={p.onLayout}
        title="Tidy up the canvas"
        data-testid="auto-layout"
        aria-label="Tidy up"
      >
        <Icon name="layout-grid" size={14} />
        <span className="btn-text">Tidy up</span>
      </button>
      {canManage && (
        <button
          type="button"
          className="btn btn-small"
          onClick={p.onExport}
          title="Download this flow as a file"
          data-testid="export"
          aria-label="Export"
        >
          <Icon name="download" size={14} />
          <span className="btn-text">Export</span>
        </button>
      )}
      {canManage && p.status === 'active' && (
        <button type="button" className="btn" onClick={p.onPause} data-testid="pause" aria-label="Pause">
          <Icon name="pause" size={14} />
          <span className="btn-text">Pause</span>
        </button>
      )}
      {canManage && (
        <button
          type="button"
          className="btn btn-primary"
          onClick={p.onPublish}
          disabled={p.publishing}
          title={p.errorCount ? 'Fix the problems first' : 'Make this version live'}
          data-testid="publish"
        >
          {p.publishing ? 'Publishing…' : p.status === 'active' ? 'Publish changes' : 'Publish'}
        </button>
      )}
    </div>
  );
}
