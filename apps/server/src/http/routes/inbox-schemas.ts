import { z } from '@hono/zod-openapi';

export const MessageSchema = z
  .object({
    id: z.string().uuid(),
    conversationId: z.string().uuid(),
    direction: z.enum(['in', 'out']),
    author: z.string().openapi({ description: 'contact | agent | bot | system' }),
    authorUser: z.object({ id: z.string(), name: z.string() }).nullable(),
    text: z.string(),
    attachments: z.array(z.object({ url: z.string(), contentType: z.string().optional() })),
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
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string' && /^[0-9a-f-]{36}$/i.test(value[1])) {
      return [value[0], value[1]];
    }
  } catch {
    // fall through
  }
  return null;
}
