/** The built-in action a tool runs instead of a request: tag, set a field, assign, hand off. */
import { useFormContext } from './context';
import { ListInput } from './ListInput';

export type ToolAction = { type: 'add_tag' | 'set_attribute' | 'assign' | 'handoff'; [key: string]: unknown };

const KINDS: { value: ToolAction['type']; label: string }[] = [
  { value: 'add_tag', label: 'Add tags' },
  { value: 'set_attribute', label: 'Set a field' },
  { value: 'assign', label: 'Assign the conversation' },
  { value: 'handoff', label: 'Hand off to a person' },
];

const BLANK: Record<ToolAction['type'], ToolAction> = {
  add_tag: { type: 'add_tag', tags: [] },
  set_attribute: { type: 'set_attribute', field: 'contact.attributes.', value: '' },
  assign: { type: 'assign', to: 'anyone' },
  handoff: { type: 'handoff' },
};

export function ToolActionInput({ path, value, onChange }: { path: string; value: ToolAction; onChange: (v: ToolAction) => void }) {
  const { lookups } = useFormContext();
  const text = (key: string, label: string, placeholder?: string) => (
    <div className="field">
      <label htmlFor={`f-${path}.${key}`}>{label}</label>
      <input
        id={`f-${path}.${key}`}
        data-field={`${path}.${key}`}
        placeholder={placeholder}
        value={String(value[key] ?? '')}
        onChange={(e) => onChange({ ...value, [key]: e.target.value })}
      />
    </div>
  );
  const team = (
    <div className="field">
      <label htmlFor={`f-${path}.teamId`}>Team</label>
      <select
        id={`f-${path}.teamId`}
        value={String(value.teamId ?? '')}
        onChange={(e) => onChange({ ...value, teamId: e.target.value || undefined })}
      >
        <option value="">— Any team —</option>
        {lookups.teams.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name}
          </option>
        ))}
      </select>
    </div>
  );
  return (
    <>
      <div className="field">
        <label htmlFor={`f-${path}.type`}>Action</label>
        <select
          id={`f-${path}.type`}
          data-field={`${path}.type`}
          value={value.type}
          onChange={(e) => onChange(BLANK[e.target.value as ToolAction['type']])}
        >
          {KINDS.map((k) => (
            <option key={k.value} value={k.value}>
              {k.label}
            </option>
          ))}
        </select>
      </div>
      {value.type === 'add_tag' && (
        <div className="field">
          <label>Tags</label>
          <ListInput
            path={`${path}.tags`}
            value={(value.tags as string[]) ?? []}
            onChange={(tags) => onChange({ ...value, tags })}
            suggestions={lookups.tags}
            placeholder="Type a tag and press Enter"
          />
        </div>
      )}
      {value.type === 'set_attribute' && (
        <>
          {text('field', 'Field to set', 'contact.attributes.plan')}
          {text('value', 'New value ({{ args.x }} allowed)', '{{ args.plan }}')}
        </>
      )}
      {value.type === 'assign' && (
        <>
          <div className="field">
            <label htmlFor={`f-${path}.to`}>Assign to</label>
            <select
              id={`f-${path}.to`}
              value={String(value.to ?? 'anyone')}
              onChange={(e) => onChange({ type: 'assign', to: e.target.value })}
            >
              <option value="anyone">Anyone available</option>
              <option value="agent">An agent</option>
              <option value="team">A team</option>
            </select>
          </div>
          {value.to === 'agent' && (
            <div className="field">
              <label htmlFor={`f-${path}.userId`}>Agent</label>
              <select
                id={`f-${path}.userId`}
                value={String(value.userId ?? '')}
                onChange={(e) => onChange({ ...value, userId: e.target.value || undefined })}
              >
                <option value="">— Choose an agent —</option>
                {lookups.members.map((m) => (
                  <option key={m.userId} value={m.userId}>
                    {m.name || m.email}
                  </option>
                ))}
              </select>
            </div>
          )}
          {value.to === 'team' && team}
        </>
      )}
      {value.type === 'handoff' && (
        <>
          {team}
          {text('text', 'Message to the customer (optional)', 'A colleague will reply shortly.')}
        </>
      )}
    </>
  );
}
