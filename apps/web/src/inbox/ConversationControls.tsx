import { api, errorText } from '../api/client';
import type { Conversation, Member, Team } from '../api/types';
import { useSession } from '../auth/session';
import { toast } from '../components/toast';

export function ConversationControls({
  conversation: c,
  members,
  teams,
  onChanged,
}: {
  conversation: Conversation;
  members: Member[];
  teams: Team[];
  onChanged: (c: Conversation) => void;
}) {
  const { me } = useSession();
  const patch = async (body: Record<string, unknown>) => {
    try {
      onChanged(await api.patch<Conversation>(`/api/conversations/${c.id}`, body));
    } catch (err) {
      toast(errorText(err), 'error');
    }
  };
  const people = members.length ? members : me.user ? [{ userId: me.user.id, name: me.user.name, email: me.user.email }] : [];
  return (
    <div className="controls">
      <label>
        <span>Assigned to</span>
        <select value={c.assignee?.id ?? ''} onChange={(e) => void patch({ assigneeId: e.target.value || null })} data-testid="assignee">
          <option value="">Nobody</option>
          {people.map((m) => (
            <option key={m.userId} value={m.userId}>
              {m.userId === me.user?.id ? `Me (${m.name})` : m.name}
            </option>
          ))}
          {c.assignee && !people.some((m) => m.userId === c.assignee!.id) && <option value={c.assignee.id}>{c.assignee.name}</option>}
        </select>
      </label>
      {teams.length > 0 && (
        <label>
          <span>Team</span>
          <select value={c.teamId ?? ''} onChange={(e) => void patch({ teamId: e.target.value || null })}>
            <option value="">No team</option>
            {teams.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        <span>Status</span>
        <select value={c.status} onChange={(e) => void patch({ status: e.target.value })} data-testid="status">
          <option value="open">Open</option>
          <option value="pending">Pending</option>
          <option value="snoozed">Snoozed</option>
          <option value="resolved">Resolved</option>
        </select>
      </label>
      <label>
        <span>Priority</span>
        <select value={c.priority} onChange={(e) => void patch({ priority: e.target.value })}>
          {['none', 'low', 'medium', 'high', 'urgent'].map((p) => (
            <option key={p} value={p}>
              {p === 'none' ? 'Normal' : p[0]!.toUpperCase() + p.slice(1)}
            </option>
          ))}
        </select>
      </label>
      {c.handledBy === 'human' ? (
        <button className="btn btn-small" onClick={() => void patch({ handledBy: 'bot' })} title="Let the automations answer again">
          Give back to bot
        </button>
      ) : null}
    </div>
  );
}
