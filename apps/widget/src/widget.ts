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
const script = (document.currentScript ?? document.querySelector('script[data-channel][src*="widget"]')) as HTMLScriptElement | null;

/** Past this the bubble appears with the tag's settings: a slow server must not hide it. */
const LOOK_WAIT_MS = 4000;

function boot(script: HTMLScriptElement): void {
  if (window.Switchboard) return; // the tag pasted twice
  const attr = (name: string) => script.getAttribute(name);
  const isColor = (value: string) => CSS.supports('color', value);
  const base = readConfig(attr, script.src, isColor);
  if (!base) {
    console.warn('Switchboard widget: the script tag needs data-channel="CHANNEL_ID"');
    return;
  }
  const api = createApi(base.apiOrigin, base.channelId);
  const key = `switchboard:${base.channelId}`;
  let mounted = false;

  const mount = (look: Record<string, unknown>) => {
    if (mounted || window.Switchboard) return;
    mounted = true;
    const config = readConfig(attr, script.src, isColor, look) ?? base;
    const chat = new Chat(api, stored(key), config.user);
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
  const whenReady = (look: Record<string, unknown>) => {
    if (document.body) mount(look);
    else document.addEventListener('DOMContentLoaded', () => mount(look));
  };
  // The owner's colour, title and greeting from the app; the tag's attributes still win.
  api.look().then(whenReady, () => whenReady({}));
  setTimeout(() => whenReady({}), LOOK_WAIT_MS);
}

if (script) boot(script);
