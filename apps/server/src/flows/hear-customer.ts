/**
 * A working run hears the customer: the messages of its conversation that no flow has taken yet
 * (their route job is still queued behind the run's own job) or that routing left for it, so an
 * AI agent's next model call includes what the customer wrote while a tool call was in flight.
 *
 * The messages are the inbox: a heard message is marked routed, with the run and the step that
 * heard it in its meta, so its route job starts nothing, and a step run again after a crash (same
 * run, same seq) hears the same messages again rather than losing them.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '@switchboard/db';
import type { HeardMessage } from '@switchboard/flow';
import { CONSENT_CHANNEL_TYPES, consentKeyword, type ConsentWords } from '../consent/keywords';

export interface HearingScope {
  workspaceId: string;
  conversationId: string;
  channelType: string;
  consent: ConsentWords;
}

/** The meta key routing sets on a message it leaves for a run that is working (see route-event.ts). */
export const LEFT_FOR_RUN = 'leftForRun';

export async function hearCustomer(db: Database, scope: HearingScope, step: { runId: string; seq: number }): Promise<HeardMessage[]> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.execute<{ id: string; text: string }>(sql`
      select id, text from messages
      where conversation_id = ${scope.conversationId} and workspace_id = ${scope.workspaceId}
        and direction = 'in' and not private and length(trim(text)) > 0
        and (
          (routed_at is null and meta->>'heardBy' is null)
          or (meta->>'heardBy' is null and meta->>${LEFT_FOR_RUN} = ${step.runId})
          or (meta->>'heardBy' = ${step.runId} and meta->>'heardAtStep' = ${String(step.seq)})
        )
      order by created_at, id
      for update`);
    // STOP and START stay with the route stage, which records the customer's consent.
    const consent = CONSENT_CHANNEL_TYPES.has(scope.channelType);
    const heard = rows.filter((m) => !consent || !consentKeyword(m.text, scope.consent));
    if (!heard.length) return [];
    const ids = heard.map((m) => m.id);
    await tx.execute(sql`
      update messages
      set routed_at = coalesce(routed_at, now()),
          meta = meta || jsonb_build_object('heardBy', ${step.runId}::text, 'heardAtStep', ${String(step.seq)}::text)
      where id in (${sql.join(
        ids.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`);
    return heard.map((m) => ({ id: m.id, text: m.text }));
  });
}
