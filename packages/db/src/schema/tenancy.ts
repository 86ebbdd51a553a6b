import { boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, tstz, updatedAt } from './columns';

export type BusinessHours = Partial<Record<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun', [string, string][]>>;

/** Workspace-wide settings an owner can change; secrets inside are encrypted by the server. */
export interface WorkspaceSettings {
  /** Hosts HTTP-request steps may reach even when they resolve to private addresses. */
  httpAllowHosts?: string[];
  ai?: {
    baseUrl?: string;
    model?: string;
    apiKeyEncrypted?: string;
    /** The last passing "Test connection": when, and the settings it tested (keyAt: when the key was saved). */
    tested?: { okAt: string; baseUrl: string | null; model: string | null; keyAt: string | null };
  };
  expectedReplyMinutes?: number;
  [key: string]: unknown;
}

export const workspaces = pgTable('workspaces', {
  id: id(),
  name: text('name').notNull(),
  timezone: text('timezone').notNull().default('UTC'),
  businessHours: jsonb('business_hours').$type<BusinessHours>().notNull().default({}),
  holidays: jsonb('holidays').$type<string[]>().notNull().default([]),
  settings: jsonb('settings').$type<WorkspaceSettings>().notNull().default({}),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const users = pgTable(
  'users',
  {
    id: id(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('users_email_key').on(t.email)],
);

export const roles = ['owner', 'admin', 'agent'] as const;
export type Role = (typeof roles)[number];

export const memberships = pgTable(
  'memberships',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role').$type<Role>().notNull(),
    maxConversations: integer('max_conversations').notNull().default(5),
    available: boolean('available').notNull().default(true),
    lastAssignedAt: tstz('last_assigned_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('memberships_workspace_user_key').on(t.workspaceId, t.userId), index('memberships_user_idx').on(t.userId)],
);

/** Session rows are keyed by the SHA-256 of the cookie token: a leaked table grants nothing. */
export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    expiresAt: tstz('expires_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('sessions_workspace_idx').on(t.workspaceId), index('sessions_user_idx').on(t.userId)],
);

export const apiKeys = pgTable(
  'api_keys',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull(),
    role: text('role').$type<Role>().notNull().default('admin'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    lastUsedAt: tstz('last_used_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('api_keys_key_hash_key').on(t.keyHash),
    index('api_keys_workspace_idx').on(t.workspaceId),
    index('api_keys_created_by_idx').on(t.createdBy),
  ],
);

export const teams = pgTable(
  'teams',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('teams_workspace_idx').on(t.workspaceId)],
);

export const teamMembers = pgTable(
  'team_members',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    teamId: uuid('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.userId] }), index('team_members_workspace_idx').on(t.workspaceId)],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    actorUserId: uuid('actor_user_id'),
    actorApiKeyId: uuid('actor_api_key_id'),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [index('audit_log_workspace_idx').on(t.workspaceId, t.createdAt)],
);
