import { pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, updatedAt } from './columns';
import { users, workspaces } from './tenancy';

/**
 * A workspace's named secrets (`{{ secrets.<name> }}` in outbound steps; `ai` is the AI key).
 * The value is sealed by the server and never read back out through the API; `allowedHosts`
 * (exact names or `*.example.com`) are the only hosts it may be sent to.
 */
export const workspaceCredentials = pgTable(
  'workspace_credentials',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    sealedValue: text('sealed_value').notNull(),
    allowedHosts: text('allowed_hosts').array().notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('workspace_credentials_workspace_name_key').on(t.workspaceId, t.name)],
);
