import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, tstz, updatedAt } from './columns';
import { teams, users, workspaces } from './tenancy';

export const channels = pgTable(
  'channels',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    name: text('name').notNull(),
    /** Non-secret settings, returned by the API. */
    config: jsonb('config').$type<Record<string, unknown>>().notNull().default({}),
    /** Secret settings, AES-256-GCM sealed with APP_SECRET; never returned. */
    secrets: text('secrets'),
    inboundToken: text('inbound_token').notNull(),
    deletedAt: tstz('deleted_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('channels_workspace_idx').on(t.workspaceId), uniqueIndex('channels_inbound_token_key').on(t.inboundToken)],
);

export const contacts = pgTable(
  'contacts',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name'),
    email: text('email'),
    phone: text('phone'),
    attributes: jsonb('attributes').$type<Record<string, unknown>>().notNull().default({}),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    deletedAt: tstz('deleted_at'),
    /** Set by erasure: every personal field cleared, identities and conversations removed. */
    erasedAt: tstz('erased_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('contacts_workspace_idx').on(t.workspaceId, t.createdAt),
    index('contacts_workspace_email_idx').on(t.workspaceId, t.email),
    index('contacts_workspace_phone_idx').on(t.workspaceId, t.phone),
  ],
);

export const contactIdentities = pgTable(
  'contact_identities',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    channelId: uuid('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    externalId: text('external_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('contact_identities_channel_external_key').on(t.channelId, t.externalId),
    index('contact_identities_workspace_idx').on(t.workspaceId),
    index('contact_identities_contact_idx').on(t.contactId),
  ],
);

export const conversationStatuses = ['open', 'pending', 'snoozed', 'resolved'] as const;
export type ConversationStatus = (typeof conversationStatuses)[number];
export const priorities = ['none', 'low', 'medium', 'high', 'urgent'] as const;
export type Priority = (typeof priorities)[number];

export const conversations = pgTable(
  'conversations',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    channelId: uuid('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    status: text('status').$type<ConversationStatus>().notNull().default('open'),
    assigneeId: uuid('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    teamId: uuid('team_id').references(() => teams.id, { onDelete: 'set null' }),
    priority: text('priority').$type<Priority>().notNull().default('none'),
    handledBy: text('handled_by').$type<'bot' | 'human'>().notNull().default('bot'),
    /** Email thread root (Message-Id) so replies thread by In-Reply-To. */
    threadRef: text('thread_ref'),
    waitingSince: tstz('waiting_since'),
    /** No flow answered and no person has replied: the customer was told to expect a person. */
    waitingForPersonSince: tstz('waiting_for_person_since'),
    lastMessageAt: tstz('last_message_at'),
    lastInboundAt: tstz('last_inbound_at'),
    resolvedAt: tstz('resolved_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // No index holds last_message_at, which every message moves: its updates then stay HOT (no new
    // index entries). The inbox sorts by coalesce(last_message_at, created_at), which it could not serve.
    index('conversations_workspace_assignee_idx').on(t.workspaceId, t.assigneeId, t.status),
    index('conversations_contact_channel_idx').on(t.contactId, t.channelId),
    index('conversations_waiting_for_person_idx').on(t.workspaceId).where(sql`${t.waitingForPersonSince} is not null`),
    index('conversations_queue_idx')
      .on(t.workspaceId, t.waitingSince)
      .where(sql`${t.assigneeId} is null and ${t.handledBy} = 'human' and ${t.status} in ('open', 'pending')`),
  ],
);

export const messageStatuses = ['received', 'queued', 'sent', 'delivered', 'read', 'failed'] as const;
export type MessageStatus = (typeof messageStatuses)[number];
export type MessageAuthor = 'contact' | 'agent' | 'bot' | 'system';
/**
 * A message's file. `url` is where it came from (a web link, or a provider reference such as
 * `wa-media:<id>` until it is downloaded); `mediaId` names the copy in the media store.
 */
export interface Attachment {
  url: string;
  contentType?: string;
  mediaId?: string;
  name?: string;
  size?: number;
  /** Why the file could not be copied into the media store. */
  error?: string;
}

export const messages = pgTable(
  'messages',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    channelId: uuid('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    direction: text('direction').$type<'in' | 'out'>().notNull(),
    author: text('author').$type<MessageAuthor>().notNull(),
    authorUserId: uuid('author_user_id').references(() => users.id, { onDelete: 'set null' }),
    text: text('text').notNull().default(''),
    attachments: jsonb('attachments').$type<Attachment[]>().notNull().default([]),
    quickReplies: jsonb('quick_replies').$type<string[]>(),
    /** Extra provider data for sending: WhatsApp template, subject, in-reply-to. */
    meta: jsonb('meta').$type<Record<string, unknown>>().notNull().default({}),
    private: boolean('private').notNull().default(false),
    providerMessageId: text('provider_message_id'),
    clientId: text('client_id'),
    status: text('status').$type<MessageStatus>().notNull(),
    error: text('error'),
    attempts: integer('attempts').notNull().default(0),
    runId: uuid('run_id'),
    /** Set when route_event has handled this inbound message: a retried job does not start runs twice. */
    routedAt: tstz('routed_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('messages_channel_provider_id_key').on(t.channelId, t.providerMessageId),
    // Only widget messages carry a client id.
    uniqueIndex('messages_conversation_client_id_key').on(t.conversationId, t.clientId).where(sql`${t.clientId} is not null`),
    index('messages_conversation_idx').on(t.conversationId, t.createdAt),
    // No workspace index: messages are read by id or by conversation. Every message would pay an
    // entry in it, and a reply two (its status update after the send cannot be HOT).
    // Replies not sent yet: the sweep for replies a dead process left behind reads only these.
    index('messages_queued_out_idx').on(t.createdAt).where(sql`${t.status} = 'queued' and ${t.direction} = 'out'`),
  ],
);

export const contactEvents = pgTable(
  'contact_events',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    actor: text('actor').notNull().default('system'),
    createdAt: createdAt(),
  },
  (t) => [index('contact_events_contact_idx').on(t.contactId, t.createdAt), index('contact_events_workspace_idx').on(t.workspaceId)],
);

export const knowledgeEntries = pgTable(
  'knowledge_entries',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    question: text('question').notNull(),
    answer: text('answer').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('knowledge_entries_workspace_idx').on(t.workspaceId)],
);
