import { useState } from 'react';
import { CHANNEL_LABELS } from '../../channels/channelTypes';
import type { ChannelType } from '../../api/types';
import { useFormContext } from './context';

const kindPhrases: Partial<Record<ChannelType, string>> = {
  webchat: 'Every website chat',
  whatsapp: 'Every WhatsApp number',
  twilio: 'Every SMS number',
  email: 'Every email address',
  api: 'Every custom (API) channel',
};
/** "Every WhatsApp number": a channel kind in the owner's words. */
const kindWords = (type: ChannelType) => kindPhrases[type] ?? `Every ${CHANNEL_LABELS[type] ?? type} account`;

/**
 * Which channels a step applies to, in words: any channel, or some of the connected channels by
 * name, or every channel of a kind. Stored as `["any"]`, channel ids and channel types.
 */
export function ChannelsInput({
  path,
  label,
  value,
  onChange,
}: {
  path: string;
  label: string;
  value: string[];
  onChange: (v: string[]) => void;
}) {
  const { lookups } = useFormContext();
  // An empty pick also means any channel, so "only these" is remembered here until one is ticked.
  const [picking, setPicking] = useState(() => value.length > 0 && !value.includes('any'));
  const any = !picking;
  const toggle = (item: string, on: boolean) => {
    const rest = value.filter((v) => v !== 'any' && v !== item);
    onChange(on ? [...rest, item] : rest);
  };
  const group = `f-${path}-mode`;
  const kinds = Object.keys(CHANNEL_LABELS) as ChannelType[];
  const connectedKinds = kinds.filter((t) => lookups.channels.some((c) => c.type === t));
  const otherKinds = kinds.filter((t) => !connectedKinds.includes(t));
  const box = (item: string, text: string) => (
    <label className="check" key={item}>
      <input type="checkbox" checked={value.includes(item)} onChange={(e) => toggle(item, e.target.checked)} /> {text}
    </label>
  );
  return (
    <fieldset className="channel-picker field-group" data-field={path} tabIndex={-1}>
      <legend>{label}</legend>
      <label className="check">
        <input type="radio" name={group} checked={any} onChange={() => (setPicking(false), onChange(['any']))} /> Any channel
      </label>
      <label className="check">
        <input type="radio" name={group} checked={!any} onChange={() => (setPicking(true), onChange(value.filter((v) => v !== 'any')))} />{' '}
        Only the channels I pick
      </label>
      {!any && (
        <div className="channel-choices" role="group" aria-label="Channels to pick from">
          {lookups.channels.map((c) => box(c.id, `${c.name} (${CHANNEL_LABELS[c.type] ?? c.type})`))}
          {connectedKinds.map((type) => box(type, kindWords(type)))}
          {otherKinds.length > 0 && (
            <details open={otherKinds.some((t) => value.includes(t))}>
              <summary className="small">Kinds of channel you have not connected yet</summary>
              {otherKinds.map((type) => box(type, kindWords(type)))}
            </details>
          )}
        </div>
      )}
      {!any && !value.length && <small className="help">Tick at least one; with none ticked, every channel counts.</small>}
    </fieldset>
  );
}
