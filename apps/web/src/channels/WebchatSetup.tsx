import { IdentitySecret } from './IdentitySecret';
import { InstallHelp } from './InstallHelp';
import { previewUrlOf, type WebchatChannel } from './webchat';
import { WidgetSettings } from './WidgetSettings';
import { Icon } from '../components/Icon';

function when(iso: string): string {
  const at = new Date(iso);
  const sameDay = at.toDateString() === new Date().toDateString();
  const time = at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return sameDay ? `today at ${time}` : `${at.toLocaleDateString([], { day: 'numeric', month: 'short' })} at ${time}`;
}

/** "Installed: last seen on <site>", from the server's record of pages that loaded the bubble. */
function Installed({ lastSeen }: { lastSeen: WebchatChannel['lastSeen'] }) {
  return lastSeen ? (
    <p className="installed installed-yes" role="status" data-testid="widget-installed">
      ✓ Installed: last seen on <strong>{lastSeen.host}</strong> {when(lastSeen.at)}
    </p>
  ) : (
    <p className="installed" role="status" data-testid="widget-installed">
      Not seen on a website yet. Add the code below to your site, then open a page of it.
    </p>
  );
}

/** Everything a website chat needs: where it is installed, a preview page, its look, the code to paste. */
export function WebchatSetup({
  channel,
  snippet,
  identitySecret,
  onSaved,
}: {
  channel: WebchatChannel;
  snippet: string;
  identitySecret?: string;
  onSaved: (c: WebchatChannel) => void;
}) {
  return (
    <div className="webchat-setup">
      <div className="webchat-status">
        <Installed lastSeen={channel.lastSeen} />
        <a className="btn btn-small" href={previewUrlOf(channel)} target="_blank" rel="noopener">
          Try it on a preview page <Icon name="external-link" size={14} />
        </a>
      </div>
      <WidgetSettings key={channel.id} channel={channel} onSaved={onSaved} />
      <InstallHelp snippet={snippet} />
      <details className="webchat-advanced">
        <summary>Logged-in customers (for developers)</summary>
        <IdentitySecret channelId={channel.id} initial={identitySecret} />
      </details>
    </div>
  );
}
