/** Settings a business gives on the `<script>` tag. */
export interface WidgetConfig {
  channelId: string;
  /** Origin of the Switchboard server: the origin the script itself was loaded from. */
  apiOrigin: string;
  title: string;
  greeting?: string;
  color: string;
  /** `data-user-id` + `data-user-hash`: a logged-in user, signed by the site's server. */
  user?: { userId: string; userHash: string };
}

const DEFAULT_COLOR = '#2563eb';

/**
 * Reads the tag's attributes. Returns undefined when the tag names no channel:
 * a broken embed must not throw on the host page.
 */
export function readConfig(
  attr: (name: string) => string | null,
  scriptSrc: string,
  isColor: (value: string) => boolean,
): WidgetConfig | undefined {
  const channelId = attr('data-channel')?.trim();
  if (!channelId) return undefined;
  let apiOrigin: string;
  try {
    apiOrigin = new URL(scriptSrc).origin;
  } catch {
    return undefined;
  }
  const color = attr('data-color')?.trim();
  const userId = attr('data-user-id')?.trim();
  const userHash = attr('data-user-hash')?.trim();
  return {
    channelId,
    apiOrigin,
    title: attr('data-title')?.trim() || 'Chat with us',
    greeting: attr('data-greeting')?.trim() || undefined,
    // An arbitrary string would still only reach one CSS custom property, but an
    // invalid colour would leave the launcher invisible: fall back instead.
    color: color && isColor(color) ? color : DEFAULT_COLOR,
    ...(userId && userHash && { user: { userId, userHash } }),
  };
}
