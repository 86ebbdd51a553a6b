/** How the bubble looks: set by the owner in the app (`GET /widget/:channelId/config`). */
export interface WidgetLook {
  title: string;
  /** First bubble when the panel opens, shown locally, never stored. */
  greeting?: string;
  color: string;
  position: 'right' | 'left';
  /** e.g. "We usually reply within 2 hours", under the title. */
  replyTime?: string;
  /** An http(s) picture beside the title. */
  avatarUrl?: string;
}

/** Settings a business gives on the `<script>` tag, over the look from the server. */
export interface WidgetConfig extends WidgetLook {
  channelId: string;
  /** Origin of the Switchboard server: the origin the script itself was loaded from. */
  apiOrigin: string;
  /** `data-user-id` + `data-user-hash`: a logged-in user, signed by the site's server. */
  user?: { userId: string; userHash: string };
}

const DEFAULT_COLOR = '#2563eb';

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() ? value.trim() : undefined);

/** Only http(s) pictures: a `javascript:` or `data:` URL has no business in an <img>. */
const httpUrl = (value: unknown): string | undefined => {
  const raw = text(value);
  if (!raw) return undefined;
  try {
    const url = new URL(raw);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Reads the tag's attributes; each one the tag sets wins over the owner's look from the server
 * (`look`, unchecked JSON), which wins over the defaults. Returns undefined when the tag names no
 * channel: a broken embed must not throw on the host page.
 */
export function readConfig(
  attr: (name: string) => string | null,
  scriptSrc: string,
  isColor: (value: string) => boolean,
  look: Partial<Record<keyof WidgetLook, unknown>> = {},
): WidgetConfig | undefined {
  const channelId = attr('data-channel')?.trim();
  if (!channelId) return undefined;
  let apiOrigin: string;
  try {
    apiOrigin = new URL(scriptSrc).origin;
  } catch {
    return undefined;
  }
  // An arbitrary string would still only reach one CSS custom property, but an
  // invalid colour would leave the launcher invisible: fall back instead.
  const color = [attr('data-color'), look.color].map(text).find((c) => c && isColor(c));
  const position = text(attr('data-position')) ?? text(look.position);
  const userId = attr('data-user-id')?.trim();
  const userHash = attr('data-user-hash')?.trim();
  const greeting = text(attr('data-greeting')) ?? text(look.greeting);
  const replyTime = text(attr('data-reply-time')) ?? text(look.replyTime);
  const avatarUrl = httpUrl(attr('data-avatar')) ?? httpUrl(look.avatarUrl);
  return {
    channelId,
    apiOrigin,
    title: text(attr('data-title')) ?? text(look.title) ?? 'Chat with us',
    greeting,
    color: color ?? DEFAULT_COLOR,
    position: position === 'left' ? 'left' : 'right',
    ...(replyTime && { replyTime }),
    ...(avatarUrl && { avatarUrl }),
    ...(userId && userHash && { user: { userId, userHash } }),
  };
}
