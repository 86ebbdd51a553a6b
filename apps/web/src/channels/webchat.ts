import { api } from '../api/client';
import type { Channel, CreatedChannel } from '../api/types';

/** The bubble as visitors see it (the server fills in defaults). */
export interface WidgetLook {
  title: string;
  greeting: string;
  color: string;
  position: 'right' | 'left';
  replyTime?: string;
  avatarUrl?: string;
  /** From the expected reply time in Settings, shown when the chat sets none of its own. */
  defaultReplyTime?: string;
}

/** What the server adds to a website chat channel. */
export type WebchatChannel = Channel & {
  widget?: WidgetLook;
  previewUrl?: string;
  lastSeen?: { host: string; at: string } | null;
};

export type CreatedWebchat = CreatedChannel & { identitySecret?: string; previewUrl?: string };

/** One click: a website chat needs nothing filled in. */
export const createWebsiteChat = () => api.post<CreatedWebchat>('/api/channels', { type: 'webchat', name: 'Website chat', config: {} });

/** Where the preview page of a chat lives (the server answers it as a full URL too). */
export const previewUrlOf = (c: WebchatChannel) => c.previewUrl ?? `${location.origin}/preview/${c.id}`;
