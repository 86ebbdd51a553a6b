import { z } from '@hono/zod-openapi';

export const MessageSchema = z
  .object({
    id: z.string().uuid(),
    conversationId: z.string().uuid(),
    direction: z.enum(['in', 'out']),
    author: z.string().openapi({ description: 'contact | agent | bot | system' }),
    authorUser: z.object({ id: z.string(), name: z.string() }).nullable(),
    text: z.string(),
    attachments: z.array(
      z
        .object({
          url: z
            .string()
            .nullable()
            .openapi({ description: 'A signed, expiring link to the stored file (or the web link sent); null while it is being copied' }),
          contentType: z.string().nullable(),
          name: z.string().nullable(),
          size: z.number().nullable(),
          kind: z.enum(['image', 'audio', 'video', 'file']),
          pending: z.boolean(),
          error: z.string().nullable(),
        })
        .openapi('Attachment'),
    ),
    location: z
      .object({
        latitude: z.number(),
        longitude: z.number(),
        name: z.string().optional(),
        address: z.string().optional(),
        mapUrl: z.string(),
      })
      .optional()
      .openapi({ description: 'A place the message sends, with a maps link' }),
    quickReplies: z.array(z.string()).nullable(),
    private: z.boolean(),
    status: z.string().openapi({ description: 'received | queued | sent | delivered | read | failed' }),
    error: z.string().nullable(),
    clientId: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('Message');

export const ConversationSchema = z
  .object({
    id: z.string().uuid(),
    status: z.string(),
    priority: z.string(),
    handledBy: z.string(),
    assignee: z.object({ id: z.string(), name: z.string() }).nullable(),
    teamId: z.string().nullable(),
    channel: z.object({ id: z.string(), type: z.string(), name: z.string() }),
    contact: z.object({ id: z.string(), name: z.string().nullable(), email: z.string().nullable(), phone: z.string().nullable() }),
    lastMessage: z.object({ text: z.string(), direction: z.string(), author: z.string(), createdAt: z.string() }).nullable(),
    lastMessageAt: z.string().nullable(),
    waitingSince: z.string().nullable(),
    waitingForPersonSince: z
      .string()
      .nullable()
      .openapi({ description: 'Since when no flow answered and no person has replied (null: not waiting for a person)' }),
    createdAt: z.string(),
  })
  .openapi('Conversation');

/** Opaque keyset cursors: base64url of the sort key and id of the last row returned. */
export function encodeCursor(sortKey: string, id: string): string {
  return Buffer.from(JSON.stringify([sortKey, id])).toString('base64url');
}

export function decodeCursor(cursor: string): [string, string] | null {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    // A cursor is the client's to send back, so it may be forged: only a timestamp Postgres can
    // read and a real uuid get into the query (anything else is a 400, never a cast error).
    if (Array.isArray(value) && value.length === 2 && isTimestamp(value[0]) && typeof value[1] === 'string' && UUID.test(value[1])) {
      return [value[0], value[1]];
    }
  } catch {
    // fall through
  }
  return null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-]\d{2}(:?\d{2})?)?$/;

/** A timestamp as Postgres prints one (`2026-01-02 03:04:05.678+00`) or ISO 8601, with a real calendar date. */
function isTimestamp(value: unknown): value is string {
  const m = typeof value === 'string' ? ISO_TIMESTAMP.exec(value) : null;
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (year < 1970 || year > 9000 || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return false;
  return new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
}
