import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { channels } from './inbox';
import { workspaces } from './tenancy';

/**
 * Where a website chat was last seen installed: the host of the last page (other than the app's own
 * preview) that loaded the widget, and when. Written at most about once a minute per channel.
 */
export const widgetPresence = pgTable(
  'widget_presence',
  {
    channelId: uuid('channel_id')
      .primaryKey()
      .references(() => channels.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    host: text('host').notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('widget_presence_workspace_idx').on(t.workspaceId)],
);
