import './delivery-ticks.css';
import type { Message } from '../api/types';
import { Icon } from '../components/Icon';

const TICKS: Record<'queued' | 'sent' | 'delivered' | 'read', { icon: string; label: string }> = {
  queued: { icon: 'clock', label: 'Sending' },
  sent: { icon: 'check', label: 'Sent' },
  delivered: { icon: 'check-check', label: 'Delivered' },
  read: { icon: 'check-check', label: 'Read' },
};

/** How far a reply got, as the messaging apps show it: a clock, one tick, two ticks, two blue ticks. */
export function DeliveryTicks({ status }: { status: Message['status'] }) {
  const tick = status && status !== 'failed' ? TICKS[status] : null;
  if (!tick) return null;
  return (
    <span className={`msg-status ticks ticks-${status}`} role="img" aria-label={tick.label} title={tick.label} data-status={status}>
      <Icon name={tick.icon} size={14} />
    </span>
  );
}
