import { api, errorText } from '../api/client';
import type { Version } from '../api/types';
import type { FlowDocument } from '../flow';
import { dateTime } from '../lib/format';
import { useAsync } from '../lib/useAsync';
import { Notice } from '../components/Notice';
import { toast } from '../components/toast';

/** Published versions; restoring one copies it into the draft (publish again to make it live). */
export function VersionsPanel({
  workflowId,
  activeNumber,
  onRestore,
  refreshKey,
}: {
  workflowId: string;
  activeNumber: number | null;
  onRestore: (doc: FlowDocument) => void;
  refreshKey: number;
}) {
  const versions = useAsync(
    () => api.get<{ versions: Version[] }>(`/api/workflows/${workflowId}/versions`).then((r) => r.versions),
    [workflowId, refreshKey],
  );
  const restore = async (v: Version) => {
    if (!confirm(`Replace the draft with version ${v.number}? You can undo this.`)) return;
    try {
      const full = await api.get<Version>(`/api/workflows/${workflowId}/versions/${v.id}`);
      if (!full.definition) throw new Error('This version has no flow in it.');
      onRestore(full.definition);
      toast(`Version ${v.number} copied into the draft. Publish to make it live.`);
    } catch (err) {
      toast(errorText(err), 'error');
    }
  };
  return (
    <div className="versions" data-testid="versions">
      <Notice>{versions.error}</Notice>
      {versions.data && !versions.data.length && (
        <p className="muted small">Nothing published yet. Each time you publish, a version is kept here so you can go back.</p>
      )}
      <ul>
        {versions.data?.map((v) => (
          <li key={v.id} className="version">
            <div>
              <strong>Version {v.number}</strong> {v.number === activeNumber && <span className="badge status-active">live</span>}
              <div className="muted small">{dateTime(v.createdAt)}</div>
            </div>
            <button type="button" className="btn btn-small" onClick={() => void restore(v)}>
              Restore
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
