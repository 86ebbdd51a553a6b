import { index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, updatedAt } from './columns';
import { contacts, conversations } from './inbox';
import { workspaces } from './tenancy';

export type CrmPushTarget = 'hubspot' | 'webhook';
export type CrmPushStatus = 'queued' | 'done' | 'failed';

/**
 * A push of a contact (and a transcript) to HubSpot or the owner's webhook, done by a job. The
 * request holds no credential value (a header's credential is named, and read when sending);
 * `dedupe_key` (unique per workspace) keeps a repeated request from pushing twice.
 */
export const crmPushes = pgTable(
  'crm_pushes',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    conversationId: uuid('conversation_id').references(() => conversations.id, { onDelete: 'set null' }),
    target: text('target').$type<CrmPushTarget>().notNull(),
    request: jsonb('request').$type<Record<string, unknown>>().notNull().default({}),
    dedupeKey: text('dedupe_key'),
    status: text('status').$type<CrmPushStatus>().notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    recordId: text('record_id'),
    error: text('error'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('crm_pushes_dedupe_idx').on(t.workspaceId, t.dedupeKey),
    index('crm_pushes_contact_idx').on(t.contactId, t.createdAt),
  ],
);
