import { bigint, index, integer, pgTable, text, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { createdAt, id, tstz } from './columns';
import { users, workspaces, type Role } from './tenancy';

/**
 * A one-time link that lets whoever holds it join a workspace with a role. Only the SHA-256 of
 * the token is stored; the link itself is shown once to the admin (and mailed when it can be).
 */
export const invitations = pgTable(
  'invitations',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    role: text('role').$type<Role>().notNull(),
    tokenHash: text('token_hash').notNull(),
    invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
    expiresAt: tstz('expires_at').notNull(),
    acceptedAt: tstz('accepted_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('invitations_token_hash_key').on(t.tokenHash),
    uniqueIndex('invitations_pending_email_key').on(t.workspaceId, t.email).where(sql`${t.acceptedAt} is null`),
    index('invitations_invited_by_idx').on(t.invitedBy).where(sql`${t.acceptedAt} is null`),
  ],
);

/** One-time password reset links; `workspaceId` is the workspace whose admin made it (null: the operator's CLI). */
export const passwordResetTokens = pgTable(
  'password_reset_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id').references(() => workspaces.id, { onDelete: 'cascade' }),
    expiresAt: tstz('expires_at').notNull(),
    usedAt: tstz('used_at'),
    /** The admin who made it; null for the operator's CLI. */
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    index('password_reset_tokens_user_idx').on(t.userId),
    index('password_reset_tokens_created_by_idx').on(t.createdBy).where(sql`${t.usedAt} is null`),
  ],
);

/** Owned by rate-limiter-flexible (RateLimiterPostgres); declared here only so the schema is complete. */
export const rateLimits = pgTable('rate_limits', {
  key: varchar('key', { length: 255 }).primaryKey(),
  points: integer('points').notNull().default(0),
  expire: bigint('expire', { mode: 'number' }),
});
