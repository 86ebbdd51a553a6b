import { bigint, index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id } from './columns';
import { conversations } from './inbox';
import { workspaces } from './tenancy';

/**
 * One file in the media store (disk under DATA_DIR or S3-compatible storage): an inbound
 * attachment downloaded from its provider, an agent's or visitor's upload, a generated QR code.
 * The bytes live under `storage_key`; a message's attachment names the file by id. Deleting a
 * conversation removes the rows by cascade, so whoever deletes one removes the files first
 * (media/media-files.ts).
 */
export const mediaFiles = pgTable(
  'media_files',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    conversationId: uuid('conversation_id').references(() => conversations.id, { onDelete: 'cascade' }),
    storageKey: text('storage_key').notNull(),
    contentType: text('content_type').notNull(),
    fileName: text('file_name'),
    size: bigint('size', { mode: 'number' }).notNull(),
    /** `user:<id>` or `contact:<id>` for an upload: only its uploader may attach it to a message. */
    uploadedBy: text('uploaded_by'),
    createdAt: createdAt(),
  },
  (t) => [index('media_files_conversation_idx').on(t.conversationId), index('media_files_workspace_idx').on(t.workspaceId, t.createdAt)],
);
