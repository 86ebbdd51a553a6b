import { ReactFlowProvider } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { api } from '../api/client';
import type { Channel, Member, Team, WorkflowDetail } from '../api/types';
import { useAsync } from '../lib/useAsync';
import { Loading, Notice } from '../components/Notice';
import type { Lookups } from './form/context';
import { Workspace } from './Workspace';

const noLookups: Lookups = { channels: [], members: [], teams: [], tags: [] };
const listOr = <T,>(p: Promise<T[]>): Promise<T[]> => p.catch(() => []);

async function loadLookups(): Promise<Lookups> {
  const [channels, members, teams, tags] = await Promise.all([
    listOr(api.get<{ channels: Channel[] }>('/api/channels').then((r) => r.channels)),
    listOr(api.get<{ members: Member[] }>('/api/members').then((r) => r.members)),
    listOr(api.get<{ teams: Team[] }>('/api/teams').then((r) => r.teams)),
    listOr(api.get<{ tags: string[] }>('/api/tags').then((r) => r.tags)),
  ]);
  return { channels, members, teams, tags };
}

/** Opens one flow in the canvas editor. */
export default function FlowEditor({ id }: { id: string }) {
  const workflow = useAsync(() => api.get<WorkflowDetail>(`/api/workflows/${id}`), [id]);
  const lookups = useAsync(loadLookups, []);
  if (workflow.error)
    return (
      <div className="page">
        <Notice>{workflow.error}</Notice>
      </div>
    );
  // The canvas does not wait for the lists behind the inspector's selects.
  if (!workflow.data) return <Loading label="Opening the flow…" />;
  return (
    <ReactFlowProvider>
      <Workspace workflow={workflow.data} lookups={lookups.data ?? noLookups} />
    </ReactFlowProvider>
  );
}
