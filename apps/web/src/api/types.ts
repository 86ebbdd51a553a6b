/**
 * Response shapes of docs/api-contract.md. Hand-written because most routes were not yet in
 * the server's `AppType` when the web app was built; move to `hc<AppType>` once they all are.
 */
import type { FlowDocument, Requirement } from '../flow';
export type { Requirement };

export type Role = 'owner' | 'admin' | 'agent';
export type BusinessHours = Partial<Record<Weekday, [string, string][]>>;
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

export interface Workspace {
  id: string;
  name: string;
  timezone: string;
  businessHours: BusinessHours;
  holidays: string[];
  settings: {
    httpAllowHosts?: string[];
    expectedReplyMinutes?: number;
    retentionDays?: number;
    unanswered?: { enabled?: boolean; text?: string | null };
    crm?: { logTranscriptOnResolve?: boolean; webhookUrl?: string };
    ai?: { baseUrl?: string; model?: string; apiKeySet?: boolean; testedOkAt?: string };
  };
}

export interface Me {
  user: { id: string; email: string; name: string } | null;
  role: Role;
  workspace: Workspace;
  workspaces: { id: string; name: string; role: Role }[];
}

/** A workspace credential: its value is write-only and never comes back. */
export interface Credential {
  name: string;
  hosts: string[];
  createdAt: string;
  updatedAt: string;
}
export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  createdAt: string;
  lastUsedAt: string | null;
  key?: string;
}
export interface Member {
  userId: string;
  name: string;
  email: string;
  role: Role;
  maxConversations: number | null;
  available: boolean;
  openConversations: number;
}
export interface Team {
  id: string;
  name: string;
  memberIds: string[];
}

export type FlowStatus = 'draft' | 'active' | 'paused';
export interface Issue {
  nodeId?: string;
  field?: string;
  message: string;
  code: string;
}
export interface WorkflowSummary {
  id: string;
  name: string;
  description: string | null;
  status: FlowStatus;
  triggerType: string | null;
  activeVersion: number | null;
  position: number;
  answers?: string | null;
  updatedAt: string;
  createdAt: string;
}
export interface WorkflowDetail {
  id: string;
  name: string;
  description: string | null;
  status: FlowStatus;
  definition: FlowDocument;
  activeVersion: { id: string; number: number } | null;
  webhookUrl?: string;
  validation: { errors: Issue[]; warnings: Issue[] };
  requires?: Requirement[];
  updatedAt: string;
}
export interface Version {
  id: string;
  number: number;
  createdAt: string;
  definition?: FlowDocument;
}
export interface TestRunResult {
  replies: { text: string; quickReplies?: string[]; mediaUrl?: string }[];
  /** `note` (with `afterReplies`, `name`) marks a step that answered with its sample response. */
  path: { nodeId: string; output?: string; status: string; log?: string; note?: string; afterReplies?: number; name?: string }[];
  vars: Record<string, unknown>;
  contact: Record<string, unknown>;
  error?: string | { message: string; nodeId?: string };
}
export interface Run {
  id: string;
  workflowId: string;
  versionNumber: number;
  status: string;
  conversationId: string | null;
  contactId: string | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}
export interface RunStep {
  seq: number;
  nodeId: string;
  nodeType: string;
  status: string;
  input: unknown;
  output: unknown;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}
export interface Template {
  slug: string;
  name: string;
  description: string;
  category: string;
  requires: Requirement[];
  definition: FlowDocument;
}
export interface KnowledgeEntry {
  id: string;
  question: string;
  answer: string;
  updatedAt: string;
}

export type ChannelType = import('@switchboard/channels/definitions').ChannelType;
export interface Channel {
  id: string;
  type: ChannelType;
  name: string;
  config: Record<string, unknown>;
  webhookUrl: string;
  secretsSet: string[];
  createdAt: string;
  widgetSnippet?: string;
  /** When a customer last wrote, and the last send the provider refused (channel lists). */
  health?: { lastInboundAt: string | null; lastSendError: { error: string; at: string } | null };
}
export interface CreatedChannel {
  id: string;
  type: ChannelType;
  name: string;
  webhookUrl: string;
  secret?: string;
  widgetSnippet?: string;
}

export type ConversationStatus = 'open' | 'pending' | 'snoozed' | 'resolved';
export type Priority = 'none' | 'low' | 'medium' | 'high' | 'urgent';
export interface Conversation {
  id: string;
  status: ConversationStatus;
  priority: Priority;
  handledBy: 'bot' | 'human';
  assignee: { id: string; name: string } | null;
  teamId: string | null;
  channel: { id: string; type: ChannelType; name: string };
  contact: { id: string; name: string | null; email: string | null; phone: string | null };
  lastMessage: { text: string; direction: 'in' | 'out'; author: string; createdAt: string } | null;
  lastMessageAt: string | null;
  /** No flow answered (or it was handed off) and no person has replied yet. */
  waitingForPersonSince?: string | null;
}
/** GET /api/inbox/waiting */
export interface WaitingForPerson {
  count: number;
  conversations: { id: string; contactName: string | null; waitingForPersonSince: string; unread: number }[];
}
/** A message's file; `url` is a signed, expiring link (null while the file is being copied, or when it failed). */
export interface Attachment {
  url: string | null;
  contentType: string | null;
  name: string | null;
  size: number | null;
  kind: 'image' | 'audio' | 'video' | 'file';
  pending: boolean;
  error: string | null;
}
/** A file uploaded to send with the next message. */
export interface UploadedFile {
  id: string;
  url: string | null;
  contentType: string | null;
  name: string | null;
  size: number | null;
  kind: Attachment['kind'];
}
export interface Message {
  id: string;
  direction: 'in' | 'out';
  author: 'contact' | 'agent' | 'bot' | 'system';
  authorUser: { id: string; name: string } | null;
  text: string;
  attachments: Attachment[];
  /** A place the message sends, with a maps link. */
  location?: { latitude: number; longitude: number; name?: string; address?: string; mapUrl: string };
  quickReplies: string[] | null;
  private: boolean;
  status: 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | null;
  error: string | null;
  createdAt: string;
}
export interface Contact {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  attributes: Record<string, unknown>;
  tags: string[];
  createdAt: string;
}
export interface ContactEvent {
  id: string;
  kind: string;
  data: Record<string, unknown>;
  actor: string | null;
  createdAt: string;
}
