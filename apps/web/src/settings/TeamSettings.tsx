import { useState } from 'react';
import { api, errorText } from '../api/client';
import type { Member, Role, Team } from '../api/types';
import { useAsync } from '../lib/useAsync';
import { Notice } from '../components/Notice';
import { toast } from '../components/toast';
import { useSession } from '../auth/session';
import { Invitations } from './Invitations';
import { ResetLinkButton } from './ResetLinkButton';

export function TeamSettings() {
  const { me } = useSession();
  const isAdmin = me.role === 'owner' || me.role === 'admin';
  const members = useAsync(() => api.get<{ members: Member[] }>('/api/members').then((r) => r.members), []);
  const teams = useAsync(() => api.get<{ teams: Team[] }>('/api/teams').then((r) => r.teams), []);
  const [teamName, setTeamName] = useState('');
  const [error, setError] = useState<string>();

  const patch = async (m: Member, body: Partial<Pick<Member, 'role' | 'maxConversations' | 'available'>>) => {
    try {
      await api.patch(`/api/members/${m.userId}`, body);
      void members.reload();
    } catch (err) {
      toast(errorText(err), 'error');
    }
  };
  const createTeam = async () => {
    if (!teamName.trim()) return;
    try {
      await api.post('/api/teams', { name: teamName.trim(), memberIds: [] });
      setTeamName('');
      void teams.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const toggleMember = async (t: Team, userId: string) => {
    const memberIds = t.memberIds.includes(userId) ? t.memberIds.filter((id) => id !== userId) : [...t.memberIds, userId];
    try {
      await api.patch(`/api/teams/${t.id}`, { memberIds });
      void teams.reload();
    } catch (err) {
      toast(errorText(err), 'error');
    }
  };

  return (
    <section className="panel settings-section">
      <h3>People</h3>
      <p className="muted small">
        Capacity is how many open conversations a person takes at once; automatic assignment skips people who are full or away.
      </p>
      <Notice>{error ?? members.error}</Notice>
      <table className="table" data-testid="members">
        <thead>
          <tr>
            <th>Name</th>
            <th>Role</th>
            <th>Capacity</th>
            <th>Available</th>
            <th>Open now</th>
            {isAdmin && <th />}
          </tr>
        </thead>
        <tbody>
          {members.data?.map((m) => (
            <tr key={m.userId}>
              <td>
                <strong>{m.name}</strong>
                <div className="muted small">{m.email}</div>
              </td>
              <td>
                <select value={m.role} onChange={(e) => void patch(m, { role: e.target.value as Role })}>
                  <option value="owner">Owner</option>
                  <option value="admin">Admin</option>
                  <option value="agent">Agent</option>
                </select>
              </td>
              <td>
                <input
                  type="number"
                  min={0}
                  className="narrow"
                  defaultValue={m.maxConversations ?? ''}
                  onBlur={(e) => void patch(m, { maxConversations: e.target.value ? Number(e.target.value) : null })}
                  aria-label="Capacity"
                />
              </td>
              <td>
                <label className="check">
                  <input type="checkbox" checked={m.available} onChange={(e) => void patch(m, { available: e.target.checked })} />{' '}
                  {m.available ? 'Available' : 'Away'}
                </label>
              </td>
              <td>{m.openConversations}</td>
              {isAdmin && (
                <td className="row-actions">
                  {m.userId !== me.user?.id && (m.role !== 'owner' || me.role === 'owner') && (
                    <ResetLinkButton userId={m.userId} name={m.name} />
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {isAdmin && (
        <>
          <h3>Invite people</h3>
          <p className="muted small">Each person gets a one-time link and sets their own password.</p>
          <Invitations canInviteOwners={me.role === 'owner'} />
        </>
      )}
      <h3>Teams</h3>
      <p className="muted small">Groups of people a flow can hand conversations to (e.g. “Orders”, “Support”).</p>
      <Notice>{teams.error}</Notice>
      {teams.data?.map((t) => (
        <div key={t.id} className="team-row">
          <strong>{t.name}</strong>
          <div className="chips">
            {members.data?.map((m) => (
              <label key={m.userId} className={`chip ${t.memberIds.includes(m.userId) ? 'chip-on' : ''}`}>
                <input type="checkbox" hidden checked={t.memberIds.includes(m.userId)} onChange={() => void toggleMember(t, m.userId)} />
                {m.name}
              </label>
            ))}
          </div>
        </div>
      ))}
      <div className="inline-form">
        <input placeholder="New team name" value={teamName} onChange={(e) => setTeamName(e.target.value)} />
        <button className="btn" onClick={() => void createTeam()}>
          Create team
        </button>
      </div>
    </section>
  );
}
