import { WIDGET_DEFAULTS, WidgetSettings } from '@switchboard/channels';

/** The bubble as a visitor sees it: the owner's settings over the defaults. */
export interface WidgetLook {
  title: string;
  greeting: string;
  color: string;
  position: 'right' | 'left';
  replyTime?: string;
  avatarUrl?: string;
}

/** "We usually reply within 2 hours", from the workspace's expected reply time (Settings). */
export function replyTimeText(minutes: number | undefined): string | undefined {
  if (!minutes || !Number.isFinite(minutes) || minutes <= 0) return undefined;
  if (minutes < 60) return `We usually reply within ${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `We usually reply within ${hours} hour${hours === 1 ? '' : 's'}`;
  const days = Math.round(hours / 24);
  return `We usually reply within ${days} day${days === 1 ? '' : 's'}`;
}

/**
 * Resolves a webchat channel's stored config into what the widget shows. Empty title or greeting
 * fall back to the defaults (the widget never opens blank); no reply-time text of its own falls
 * back to the workspace's expected reply time. A stored value that no longer validates is ignored
 * field by field rather than breaking the bubble on the owner's site.
 */
export function widgetLook(config: Record<string, unknown>, expectedReplyMinutes?: number): WidgetLook {
  const pick = <K extends keyof WidgetSettings>(key: K): WidgetSettings[K] | undefined => {
    const parsed = WidgetSettings.shape[key].safeParse(config[key]);
    return parsed.success ? (parsed.data as WidgetSettings[K]) : undefined;
  };
  const replyTime = pick('replyTime') || replyTimeText(expectedReplyMinutes);
  const avatarUrl = pick('avatarUrl');
  return {
    title: pick('title') || WIDGET_DEFAULTS.title,
    greeting: pick('greeting') || WIDGET_DEFAULTS.greeting,
    color: pick('color') || WIDGET_DEFAULTS.color,
    position: pick('position') ?? WIDGET_DEFAULTS.position,
    ...(replyTime && { replyTime }),
    ...(avatarUrl && { avatarUrl }),
  };
}
