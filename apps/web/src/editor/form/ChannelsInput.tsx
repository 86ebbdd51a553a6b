import { CHANNEL_LABELS } from '../../channels/channelTypes';
import type { ChannelType } from '../../api/types';
import { useFormContext } from './context';

/** "Every WhatsApp number": a channel kind in the owner's words. */
const kindWords: Partial<Record<ChannelType, string>> = {
  webchat: 'Every website chat',
  whatsapp: 'Every WhatsApp number',
  twilio: 'Every SMS number',
  email: 'Every email address',
  api: 'Every custom (API) channel',
};

/**
 * Which channels a step applies to, in words: any channel, or some of the connected channels by
 * name, or every channel of a kind. Stored as `["any"]`, channel ids and channel types.
 */
export function ChannelsInput({ path, label, value, onChange }: { path: string; label: string; value: string[]; onChange: (v: string[]) => void }) {
  const { lookups } = useFormContext();
  const any = value.length === 0 || value.includes('any');
  const toggle = (item: string, on: boolean) => {
    const rest = value.filter((v) => v !== 'any' && v !== item);
    onChange(on ? [...rest, item] : rest);
  };
  const group = `f-${path}-mode`;
  const box = (item: string, text: string) => (
    <label className="check" key={item}>
      <input type="checkbox" checked={value.includes(item)} onChange={(e) => toggle(item, e.target.checked)} /> {text}
    </label>
  );
  return (
    <fieldset className="channel-picker field-group" data-field={path} tabIndex={-1}>
      <legend>{label}</legend>
      <label className="check">
        <input type="radio" name={group} checked={any} onChange={() => onChange(['any'])} /> Any channel
      </label>
      <label className="check">
        <input type="radio" name={group} checked={!any} onChange={() => onChange([])} /> Only the channels I pick
      </label>
      {!any && (
        <div className="channel-grid" role="group" aria-label="Channels to pick from">
          {lookups.channels.map((c) => box(c.id, `${c.name} (${CHANNEL_LABELS[c.type] ?? c.type})`))}
          {(Object.keys(CHANNEL_LABELS) as ChannelType[]).map((type) => box(type, kindWords[type] ?? `Every ${CHANNEL_LABELS[type]} account`))}
        </div>
      )}
    </fieldset>
  );
}
