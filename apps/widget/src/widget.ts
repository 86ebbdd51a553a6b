/**
 * Entry of widget.js. A business embeds:
 *   <script src="https://HOST/widget.js" data-channel="CHANNEL_ID" async></script>
 * and the widget talks to the origin it was loaded from.
 */
import { createApi } from './api';
import { Chat, type Identity } from './chat';
import { readConfig } from './config';
import { stored } from './storage';
import { mountView, type WidgetControls } from './ui/view';

export interface SwitchboardGlobal extends WidgetControls {
  /**
   * `{ userId, userHash }` (computed by the site's server) joins the user's contact on every device;
   * `name`, `email` and `phone` are attached as the visitor typed them (email and phone unverified).
   */
  identify(identity: Identity): void;
  /** Forgets the visitor on this browser (call it when the user logs out of the site). */
  reset(): void;
}

declare global {
  interface Window {
    Switchboard?: SwitchboardGlobal;
  }
}

// The page's own CSS reaches the host element (e.g. `div { display: none !important }`);
// inline !important declarations outrank every author stylesheet.
const HOST_STYLE = 'all:initial!important;display:block!important';

// currentScript is only set while the script first runs, async or not; read it now.
const script = (document.currentScript ??
  document.querySelector('script[data-channel][src*="widget"]')) as HTMLScriptElement | null;

function boot(script: HTMLScriptElement): void {
  if (window.Switchboard) return; // the tag pasted twice
  const config = readConfig(
    (name) => script.getAttribute(name),
    script.src,
    (value) => CSS.supports('color', value),
  );
  if (!config) {
    console.warn('Switchboard widget: the script tag needs data-channel="CHANNEL_ID"');
    return;
  }
  const key = `switchboard:${config.channelId}`;
  const chat = new Chat(createApi(config.apiOrigin, config.channelId), stored(key), config.user);

  const mount = () => {
    const host = document.createElement('switchboard-widget');
    host.setAttribute('style', HOST_STYLE);
    const root = host.attachShadow({ mode: 'open' });
    document.body.append(host);
    const controls = mountView(root, config, chat, {
      seen: stored(`${key}:seen`),
      open: stored(`${key}:open`, () => sessionStorage),
    });
    window.Switchboard = { ...controls, identify: (identity) => chat.identify(identity), reset: () => chat.reset() };
  };
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
}

if (script) boot(script);
