import { CHANNEL_LABELS } from '../../channels/channelTypes';
import { useFormContext } from './context';

/** Channel filter: "any channel", channel kinds, or specific connected channels. */
export function ChannelsInput({ path, value, onChange }: { path: string; value: string[]; onChange: (v: string[]) => void }) {
  const { lookups } = useFormContext();
  const any = value.length === 0 || value.includes('any');
  const toggle = (item: string, on: boolean) => {
    const rest = value.filter((v) => v !== 'any' && v !== item);
    const next = on ? [...rest, item] : rest;
    onChange(next.length ? next : ['any']);
  };
  return (
    <div className="channel-picker" data-field={path} tabIndex={-1}>
      <label className="check">
        <input type="checkbox" checked={any} onChange={(e) => onChange(e.target.checked ? ['any'] : [])} /> Any channel
      </label>
      {!any && (
        <div className="channel-grid">
          {Object.entries(CHANNEL_LABELS).map(([type, label]) => (
            <label className="check" key={type}>
              <input type="checkbox" checked={value.includes(type)} onChange={(e) => toggle(type, e.target.checked)} /> {label}
            </label>
          ))}
          {lookups.channels.map((c) => (
            <label className="check" key={c.id}>
              <input type="checkbox" checked={value.includes(c.id)} onChange={(e) => toggle(c.id, e.target.checked)} /> {c.name}
            </label>
          ))}
        </div>
      )}
    </div>
  );
}
