import { sql } from 'drizzle-orm';
import type { Executor } from '@switchboard/db';
import { inboundContextColumns, inboundContextOf, type InboundContextRow } from '../flows/inbound-context';
import { conversationQueue } from '../flows/queues';
import { waitingForReply } from '../flows/reply-waits';
import { ADDED_JOBS, addJobsCtes, type AddedJob, type JobTaker } from '../jobs/inline-job-statements';
import type { InboundMessageEvent } from './adapters';
import type { IngestChannel, IngestOptions, Stored } from './ingest';
import { HINTED_TEXT_MAX, inboundMeta, ROUTE_EVENT_TASK, sentAtOf } from './store-inbound';

/** A known customer's message to store in their open conversation, and what its route_event job is added for. */
export interface OpenConversationMessage {
  channel: IngestChannel;
  event: InboundMessageEvent;
  options: IngestOptions;
  /** Every message of one statement has the same taker's worker (or none): one process. */
  taker: JobTaker | null;
  /** Read the flow context with it (a job this process will run; see inboundContextColumns). */
  withContext: boolean;
}

/**
 * Stored; `duplicate` (a redelivery: nothing stored, no job); `new` for a customer never seen on the
 * channel (see storeNewCustomer); null for a known one without an open conversation (storeMessage
 * handles that).
 */
export type OpenConversationOutcome = Stored | 'duplicate' | 'new' | null;

type Row = { n: string; contact_id: string | null; conversation_id: string | null; status: string | null; message_id: string | null } & AddedJob &
  Partial<InboundContextRow>;

/**
 * The common case, for several messages in one statement, its own transaction: a known customer
 * writing into their open conversation. Per message: contact touched, message stored, conversation
 * stamped and route_event job added (locked for this process when its taker has room and the
 * conversation's queue is free), all or nothing, as storeMessage does in seven round trips.
 *
 * Most of what a statement costs Postgres is the statement, not its rows (`npm run bench`'s
 * `statements` phase: a store-shaped statement cost 255–265 µs of Postgres CPU per message alone,
 * 60–75 µs sixteen at a time), so the webhooks that arrive together are stored together (see
 * openConversationBatcher). At most one message per customer (channel, external id): each contact,
 * conversation and queue is written once. The outcomes come in the messages' order.
 */
export async function storeInOpenConversations(db: Executor, messages: OpenConversationMessage[]): Promise<OpenConversationOutcome[]> {
  const sentAts = messages.map((m) => sentAtOf(m.event));
  const column = <T>(of: (m: OpenConversationMessage, i: number) => T) => sql.param(messages.map(of));
  const withContext = messages.some((m) => m.withContext);
  const result = await db.execute<Row>(sql`
    with e as (
      select * from unnest(
        ${column((m) => m.channel.workspaceId)}::uuid[], ${column((m) => m.channel.id)}::uuid[], ${column((m) => m.channel.type)}::text[],
        ${column((m) => m.event.externalId)}::text[], ${column((m) => m.event.name ?? null)}::text[], ${column((m) => m.event.email ?? null)}::text[],
        ${column((m) => m.event.phone ?? null)}::text[], ${column((m) => m.event.text)}::text[],
        ${column((m) => JSON.stringify(m.event.attachments ?? []))}::text[], ${column((m) => JSON.stringify(inboundMeta(m.event)))}::text[],
        ${column((m) => m.event.providerMessageId)}::text[], ${column((m) => m.options.clientId ?? null)}::text[],
        ${column((_, i) => sentAts[i]!.toISOString())}::timestamptz[], ${column((m) => m.taker?.lock ?? false)}::boolean[],
        ${column((m) => m.event.text.length <= HINTED_TEXT_MAX)}::boolean[]
      ) with ordinality as e(workspace_id, channel_id, channel_type, external_id, name, email, phone, text, attachments, meta,
                             provider_message_id, client_id, sent_at, lock, hinted, n)
    ), contact as (
      update contacts c set
        name = coalesce(c.name, e.name), email = coalesce(c.email, e.email), phone = coalesce(c.phone, e.phone),
        deleted_at = null, updated_at = now()
      from e join contact_identities ci on ci.channel_id = e.channel_id and ci.external_id = e.external_id
      where c.id = ci.contact_id
      returning e.n, c.id, c.name, c.email, c.phone, c.attributes, c.tags
    ), conversation as (
      select contact.n, cv.* from contact join e on e.n = contact.n
      cross join lateral (
        select cv.id, cv.status, cv.handled_by, cv.channel_id, cv.assignee_id, cv.team_id, cv.priority, cv.last_inbound_at from conversations cv
        where cv.contact_id = contact.id and cv.channel_id = e.channel_id
        order by cv.created_at desc limit 1
        for update
      ) cv
    ), message as (
      insert into messages (workspace_id, conversation_id, channel_id, direction, author, text, attachments, meta, provider_message_id, client_id, status)
      select e.workspace_id, conversation.id, e.channel_id, 'in', 'contact', e.text, e.attachments::jsonb, e.meta::jsonb, e.provider_message_id, e.client_id, 'received'
      from conversation join e on e.n = conversation.n where conversation.status = 'open'
      on conflict do nothing
      returning id, conversation_id
    ), stored as (
      select conversation.n, message.id, message.conversation_id from message join conversation on conversation.id = message.conversation_id
    ), stamped as (
      update conversations cv set
        last_message_at = greatest(cv.last_message_at, now()), last_inbound_at = greatest(cv.last_inbound_at, e.sent_at),
        waiting_since = coalesce(cv.waiting_since, now()), updated_at = now()
      from stored join e on e.n = stored.n
      where cv.id = stored.conversation_id
    ), ${addJobsCtes(
      ROUTE_EVENT_TASK,
      sql`(select stored.n as key, e.lock, ${conversationQueue('')} || stored.conversation_id as queue_name, json_build_object(
             'workspaceId', e.workspace_id, 'conversationId', stored.conversation_id, 'messageId', stored.id, 'contactId', contact.id,
             'channelId', e.channel_id, 'kind', 'message', 'isFirstMessage', false, 'conversationOpened', false,
             -- A message that resumes a waiting run is routed the careful way: no hints.
             'hints', case when e.hinted and not exists (${waitingForReply(sql`stored.conversation_id`)})
               then json_build_object('text', e.text, 'handledBy', conversation.handled_by, 'channelType', e.channel_type) end) as payload
           from stored join e on e.n = stored.n join contact on contact.n = stored.n join conversation on conversation.n = stored.n) as route_jobs`,
      messages[0]?.taker?.workerId ?? null,
    )}
    select e.n, contact.id as contact_id, conversation.id as conversation_id, conversation.status, stored.id as message_id, ${ADDED_JOBS.columns}
      ${withContext ? sql`, ${inboundContextColumns(sql`e.workspace_id`, { contact: sql`contact where contact.n = e.n`, conversation: sql`conversation where conversation.n = e.n` })}` : sql``}
    from e
    left join contact on contact.n = e.n
    left join conversation on conversation.n = e.n
    left join stored on stored.n = e.n
    ${ADDED_JOBS.joins(sql`e.n`)}`);
  const rows = new Map(result.rows.map((row) => [Number(row.n), row]));
  return messages.map((m, i) => outcomeOf(rows.get(i + 1), m, sentAts[i]!));
}

function outcomeOf(row: Row | undefined, { channel, event, withContext }: OpenConversationMessage, sentAt: Date): OpenConversationOutcome {
  if (!row?.contact_id) return 'new';
  if (!row.conversation_id || row.status !== 'open') return null;
  if (!row.message_id) return 'duplicate';
  const context = withContext ? inboundContextOf(row as Row & InboundContextRow, channel.type, row.message_id, event, sentAt) : null;
  return { messageId: row.message_id, conversationId: row.conversation_id, job: row, context };
}

/** storeInOpenConversations for one message. */
export async function storeInOpenConversation(
  db: Executor,
  channel: IngestChannel,
  event: InboundMessageEvent,
  options: IngestOptions,
  taker: JobTaker | null,
  { withContext = false }: { withContext?: boolean } = {},
): Promise<OpenConversationOutcome> {
  const [outcome] = await storeInOpenConversations(db, [{ channel, event, options, taker, withContext }]);
  return outcome!;
}
