import { and, asc, eq } from 'drizzle-orm';
import { conversations, messages, type Executor } from '@switchboard/db';

export interface TranscriptLine {
  author: string;
  text: string | null;
  at: string;
}

/** The conversation's whole public transcript as it stands now (private notes left out). */
export async function loadTranscript(db: Executor, workspaceId: string, conversationId: string): Promise<TranscriptLine[]> {
  const rows = await db
    .select({ author: messages.author, text: messages.text, createdAt: messages.createdAt })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(and(eq(messages.conversationId, conversationId), eq(conversations.workspaceId, workspaceId), eq(messages.private, false)))
    .orderBy(asc(messages.createdAt));
  return rows.map((r) => ({ author: r.author, text: r.text, at: r.createdAt.toISOString() }));
}

/** The transcript as plain text, one line a message: what a CRM note shows. */
export function transcriptText(lines: TranscriptLine[]): string {
  return lines.map((l) => `[${l.at}] ${l.author}: ${l.text ?? ''}`).join('\n');
}
