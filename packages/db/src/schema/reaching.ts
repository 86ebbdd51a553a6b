import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, tstz, updatedAt } from './columns';
import { channels, contacts, messages } from './inbox';
import { users, workspaces } from './tenancy';

/** A contact who opted out on a channel (STOP): flows and broadcasts send nothing there. */
export const contactOptOuts = pgTable(
  'contact_opt_outs',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    channelId: uuid('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    keyword: text('keyword').notNull(),
    optedOutAt: tstz('opted_out_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.contactId, t.channelId] }), index('contact_opt_outs_workspace_idx').on(t.workspaceId)],
);

export type BroadcastStatus = 'scheduled' | 'sending' | 'completed' | 'cancelled';
export type RecipientStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';

/** Contacts a broadcast goes to: all of `tags`, and every field filter. */
export interface Segment {
  tags?: string[];
  fields?: { field: string; operator: 'eq' | 'neq' | 'contains' | 'exists'; value?: string }[];
}

export interface BroadcastTemplate {
  name: string;
  language: string;
  variables?: string[];
  headerMediaUrl?: string;
  buttonPayloads?: string[];
}

export const broadcasts = pgTable(
  'broadcasts',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    channelId: uuid('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    text: text('text').notNull().default(''),
    whatsappTemplate: jsonb('whatsapp_template').$type<BroadcastTemplate>(),
    segment: jsonb('segment').$type<Segment>().notNull().default({}),
    sendRatePerSecond: integer('send_rate_per_second').notNull(),
    status: text('status').$type<BroadcastStatus>().notNull().default('scheduled'),
    scheduledAt: tstz('scheduled_at').notNull().defaultNow(),
    startedAt: tstz('started_at'),
    finishedAt: tstz('finished_at'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('broadcasts_workspace_idx').on(t.workspaceId, t.createdAt)],
);

export const broadcastRecipients = pgTable(
  'broadcast_recipients',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    broadcastId: uuid('broadcast_id')
      .notNull()
      .references(() => broadcasts.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    status: text('status').$type<RecipientStatus>().notNull().default('pending'),
    reason: text('reason'),
    messageId: uuid('message_id').references(() => messages.id, { onDelete: 'set null' }),
  },
  (t) => [
    uniqueIndex('broadcast_recipients_contact_key').on(t.broadcastId, t.contactId),
    index('broadcast_recipients_pending_idx').on(t.broadcastId, t.id).where(sql`${t.status} = 'pending'`),
  ],
);

/** A WhatsApp message template as Meta last reported it. */
export const whatsappTemplates = pgTable(
  'whatsapp_templates',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    channelId: uuid('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    language: text('language').notNull(),
    status: text('status').notNull(),
    category: text('category'),
    /** POSITIONAL ({{1}}) or NAMED ({{first_name}}) body parameters. */
    parameterFormat: text('parameter_format').$type<'POSITIONAL' | 'NAMED'>().notNull().default('POSITIONAL'),
    components: jsonb('components').$type<Record<string, unknown>[]>().notNull().default([]),
    syncedAt: tstz('synced_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('whatsapp_templates_channel_name_key').on(t.channelId, t.name, t.language)],
);
