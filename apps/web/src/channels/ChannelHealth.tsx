import { dateTime } from '../lib/format';
import type { Channel } from '../api/types';

/**
 * What a channel card says of the channel's health: whether the provider was pointed at us (and if
 * not, why, in the owner's words), when a customer last wrote, and the last send the provider refused.
 */
export function ChannelHealth({ channel: c }: { channel: Channel }) {
  const connection = c.config.connection as { state: 'connected' | 'not_connected' | 'failed'; message: string; at: string } | undefined;
  const health = c.health;
  if (!connection && !health) return null;
  return (
    <div className="channel-health small" data-testid="channel-health">
      {connection && (
        <p className={connection.state === 'connected' ? 'muted' : 'field-error'} data-testid="channel-connection">
          {connection.state === 'connected' ? '✓ Connected' : '⚠️ Not connected'} — {connection.message}
        </p>
      )}
      {health && (
        <p className="muted">
          {health.lastInboundAt ? `Last message in: ${dateTime(health.lastInboundAt)}` : 'No message in yet'}
          {health.lastSendError && (
            <span className="field-error" data-testid="channel-last-error">
              {' '}
              · Last send failed ({dateTime(health.lastSendError.at)}): {health.lastSendError.error}
            </span>
          )}
        </p>
      )}
    </div>
  );
}
