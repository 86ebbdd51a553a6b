import { CopyButton } from '../components/CopyButton';
import { CHANNEL_LABELS, CHANNEL_SETUP_HELP } from './channelTypes';
import { ChannelIcon } from '../components/ChannelIcon';
import type { WebchatChannel } from './webchat';
import { WebchatSetup } from './WebchatSetup';
import { ChannelHealth } from './ChannelHealth';
import './channels.css';

export function widgetSnippet(channelId: string): string {
  return `<script src="${location.origin}/widget.js" data-channel="${channelId}" async></script>`;
}

export function ChannelCard({
  channel: c,
  secret,
  identitySecret,
  snippet,
  onRemove,
  onSaved,
}: {
  channel: WebchatChannel;
  secret?: string;
  identitySecret?: string;
  snippet?: string;
  onRemove: () => void;
  onSaved: (c: WebchatChannel) => void;
}) {
  const label = CHANNEL_LABELS[c.type];
  return (
    <article className="card channel-card" data-testid={`channel-${c.type}`} data-channel-id={c.id} aria-label={c.name}>
      <header className="channel-head">
        <span className="channel-icon">
          <ChannelIcon type={c.type} size={26} />
        </span>
        <div>
          <h3>{c.name}</h3>
          {/* The type only when the name does not already say it. */}
          {c.name.trim().toLowerCase() !== label.toLowerCase() && <div className="muted small">{label}</div>}
        </div>
      </header>
      {c.type === 'webchat' ? (
        <WebchatSetup
          channel={c}
          snippet={snippet ?? c.widgetSnippet ?? widgetSnippet(c.id)}
          identitySecret={identitySecret}
          onSaved={onSaved}
        />
      ) : (
        <div className="paste">
          <p>
            <strong>Webhook address</strong> — {CHANNEL_SETUP_HELP[c.type]}
          </p>
          <pre className="code" data-testid="webhook-url">
            {c.webhookUrl}
          </pre>
          <CopyButton text={c.webhookUrl} label="Copy address" />
        </div>
      )}
      {secret && (
        <div className="notice notice-warning">
          <strong>Signing secret (shown once):</strong> <code>{secret}</code> <CopyButton text={secret} />
        </div>
      )}
      {c.secretsSet?.length > 0 && c.type !== 'webchat' && <p className="small muted">Stored securely: {c.secretsSet.join(', ')}</p>}
      <ChannelHealth channel={c} />
      <footer className="channel-foot">
        <button type="button" className="btn btn-small channel-disconnect" onClick={onRemove} aria-label={`Disconnect ${c.name}`}>
          Disconnect…
        </button>
      </footer>
    </article>
  );
}
