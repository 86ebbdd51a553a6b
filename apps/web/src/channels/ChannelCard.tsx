import type { Channel } from '../api/types';
import { CopyButton } from '../components/CopyButton';
import { CHANNEL_ICONS, CHANNEL_LABELS } from './channelTypes';
import { IdentitySecret } from './IdentitySecret';

export function widgetSnippet(channelId: string): string {
  return `<script src="${location.origin}/widget.js" data-channel="${channelId}" async></script>`;
}

const pasteWhere: Partial<Record<Channel['type'], string>> = {
  twilio: 'In Twilio: Phone Numbers → your number → Messaging → "A message comes in" (HTTP POST).',
  whatsapp: 'In Meta for Developers: WhatsApp → Configuration → Webhook → Callback URL (use your verify token).',
  messenger: 'In Meta for Developers: Messenger → Settings → Webhooks → Callback URL.',
  instagram: 'In Meta for Developers: Instagram → Webhooks → Callback URL.',
  telegram: 'Switchboard registers this with Telegram for you; nothing to paste.',
  email: 'In your email service: the inbound route / parse webhook address.',
  api: 'Your system POSTs customer messages here, signed with the secret.',
};

export function ChannelCard({ channel: c, secret, identitySecret, snippet, onRemove }: { channel: Channel; secret?: string; identitySecret?: string; snippet?: string; onRemove: () => void }) {
  const script = c.type === 'webchat' ? snippet ?? c.widgetSnippet ?? widgetSnippet(c.id) : undefined;
  return (
    <article className="card channel-card" data-testid={`channel-${c.type}`} data-channel-id={c.id}>
      <header className="channel-head">
        <span className="channel-icon" aria-hidden>{CHANNEL_ICONS[c.type]}</span>
        <div>
          <h3>{c.name}</h3>
          <div className="muted small">{CHANNEL_LABELS[c.type]}</div>
        </div>
        <span className="spacer" />
        <button className="btn btn-small btn-danger" onClick={onRemove}>Disconnect</button>
      </header>
      {script ? (
        <div className="paste">
          <p><strong>Paste this into your website</strong>, just before <code>&lt;/body&gt;</code>. The chat bubble appears on every page that has it.</p>
          <pre className="code" data-testid="widget-snippet">{script}</pre>
          <CopyButton text={script} label="Copy code" testId="copy-snippet" />
        </div>
      ) : (
        <div className="paste">
          <p><strong>Webhook address</strong> — {pasteWhere[c.type]}</p>
          <pre className="code" data-testid="webhook-url">{c.webhookUrl}</pre>
          <CopyButton text={c.webhookUrl} label="Copy address" />
        </div>
      )}
      {c.type === 'webchat' && <IdentitySecret channelId={c.id} initial={identitySecret} />}
      {secret && (
        <div className="notice notice-warning">
          <strong>Signing secret (shown once):</strong> <code>{secret}</code> <CopyButton text={secret} />
        </div>
      )}
      {c.secretsSet?.length > 0 && <p className="small muted">Stored securely: {c.secretsSet.join(', ')}</p>}
    </article>
  );
}
