import type { ChannelType } from '../api/types';
import { CHANNEL_ICONS, CHANNEL_LABELS } from '../channels/channelTypes';
import { hasIcon, Icon } from './Icon';

/** Used while a channel's facts carry no lucide icon name of their own. */
const fallback: Record<ChannelType, string> = {
  webchat: 'message-circle',
  whatsapp: 'messages-square',
  messenger: 'message-circle',
  instagram: 'message-circle',
  telegram: 'send',
  twilio: 'smartphone',
  email: 'mail',
  api: 'plug',
};

/** A channel kind's icon; decorative unless `labelled`, then named like the channel kind. */
export function ChannelIcon({ type, size = 16, labelled }: { type: ChannelType; size?: number; labelled?: boolean }) {
  const named = (CHANNEL_ICONS as Record<string, string | undefined>)[type];
  const icon = <Icon name={hasIcon(named) ? named : fallback[type]} size={size} />;
  return labelled ? (
    <span role="img" aria-label={CHANNEL_LABELS[type] ?? type} className="channel-icon-labelled">
      {icon}
    </span>
  ) : (
    icon
  );
}
