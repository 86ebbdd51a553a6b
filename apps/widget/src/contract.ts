/**
 * The wire contract between the widget and the server (`/widget/:channelId/...`).
 * README.md documents it in prose; the server validates the same shapes.
 */

export type Direction = 'in' | 'out';
export type Author = 'contact' | 'bot' | 'agent' | 'system';

export interface WidgetAttachment {
  url: string | null;
  contentType: string | null;
  name: string | null;
  kind: 'image' | 'audio' | 'video' | 'file';
  pending: boolean;
}

/** One message as the visitor may see it. Private notes are never sent to the widget. */
export interface WidgetMessage {
  id: string;
  /** `in` = from the visitor to the business, `out` = from the business to the visitor. */
  direction: Direction;
  author: Author;
  text: string;
  mediaUrl?: string;
  /** Files, each a signed link (null while the server is still copying it). */
  attachments?: WidgetAttachment[];
  /** A place, opened in the visitor's maps app. */
  location?: { name?: string; address?: string; mapUrl: string };
  quickReplies?: string[];
  /** ISO 8601. */
  createdAt: string;
  /** Display name of the agent who wrote it, when the server shares it. */
  authorName?: string;
  /** Echo of the widget's `clientId` on messages the widget posted, when the server keeps it. */
  clientId?: string;
}

export interface SessionRequest {
  visitorToken?: string;
  name?: string;
  /** Typed details: the server keeps them as unverified and never matches on them. */
  email?: string;
  phone?: string;
  /** A logged-in user on the site, signed by the site's server: hex HMAC-SHA256(identity secret, userId). */
  userId?: string;
  userHash?: string;
}

/** Carries no contact, conversation or workspace id: the token is the visitor's only handle. */
export interface SessionResponse {
  visitorToken: string;
  /** True when userId + userHash were verified. */
  verified: boolean;
}

export interface MessagesResponse {
  messages: WidgetMessage[];
}

export interface SendMessageRequest {
  /** May be empty when files are attached. */
  text: string;
  clientId: string;
  /** Ids answered by `POST /widget/:channelId/attachments`. */
  attachments?: string[];
}

export interface UploadResponse {
  attachment: { id: string };
}

export interface SendMessageResponse {
  message: WidgetMessage;
}

/** `sent: false` when throttled or before the visitor's first message (no conversation yet). */
export interface TypingResponse {
  sent: boolean;
}

/** `event: typing` on the stream: an agent is typing; `name` when the server shares it. */
export interface TypingEvent {
  name?: string;
}
