import { Icon } from '../components/Icon';
import { enableNotifications, setWaitingSound, useWaiting } from './useWaitingAlerts';

/**
 * Above the conversation list: how many conversations wait for a person, and the person's own
 * alert choices (browser notifications, asked only from this button; a sound).
 */
export function WaitingBar() {
  const waiting = useWaiting();
  return (
    <div className="waiting-bar" role="region" aria-label="Waiting for a person">
      <span className={`waiting-count ${waiting.count ? 'has-waiting' : ''}`} data-testid="waiting-count">
        <Icon name="hourglass" size={14} />{' '}
        {waiting.count === 0
          ? 'Nobody is waiting for a person'
          : waiting.count === 1
            ? '1 conversation waiting for a person'
            : `${waiting.count} conversations waiting for a person`}
      </span>
      <span className="waiting-controls">
        {waiting.permission === 'default' && (
          <button type="button" className="btn btn-small" onClick={() => void enableNotifications()}>
            Turn on notifications
          </button>
        )}
        {waiting.permission === 'granted' && <span className="muted small">Notifications on</span>}
        {waiting.permission === 'denied' && (
          <span className="muted small" title="Allow notifications for this site in your browser's settings">
            Notifications blocked
          </span>
        )}
        <label className="waiting-sound small">
          <input type="checkbox" checked={waiting.sound} onChange={(e) => setWaitingSound(e.target.checked)} /> Sound
        </label>
      </span>
    </div>
  );
}
