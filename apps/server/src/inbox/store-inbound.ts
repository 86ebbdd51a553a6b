import { randomUUID } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '@switchboard/db';
import { inboundContextColumns, inboundContextOf, type InboundContextRow } from '../flows/inbound-context';
import { conversationQueue } from '../flows/queues';
import { waitingForReply } from '../flows/reply-waits';
import type { TASKS } from '../jobs/index';
import { ADDED_JOB_COLUMNS, addJobCtes, type AddedJob, type JobTaker } from '../jobs/inline-job-statements';
import type { InboundMessageEvent } from './adapters';
import type { FlowContextRow } from '../flows/run-context';

/** The channel an inbound event arrived on. */
export interface IngestChannel {
  id: string;
  workspaceId: string;
  type: string;
}

export interface IngestOptions {
  /** Widget messages carry the browser's id so a resend returns the first copy. */
  clientId?: string;
}

export type Stored = {
  messageId: string;
  conversationId: string;
  job: AddedJob | undefined;
  /** The flow context as the message was stored, when the statement read it (see inboundContextColumns). */
  context?: FlowContextRow | null;
};

/** Implemented by the flow engine; a type-only import keeps its runtime out of the inbox. */
export const ROUTE_EVENT_TASK: (typeof TASKS)['routeEvent'] = 'route_event';

/** Routing hints carry the text only up to this many characters (job payloads stay small). */
const HINTED_TEXT_MAX = 1_000;

export function inboundMeta(event: InboundMessageEvent): Record<string, unknown> {
  return {
    ...(event.subject !== undefined && { subject: event.subject }),
    ...(event.quickReply !== undefined && { quickReply: event.quickReply }),
    ...(event.threadRef !== undefined && { inReplyTo: event.threadRef }),
    providerTimestamp: event.timestamp.toISOString(),
  };
}

// The 24-hour window counts from when the customer wrote, never from the future.
export const sentAtOf = (event: InboundMessageEvent) => new Date(Math.min(event.timestamp.getTime(), Date.now()));

/** The `message` CTE: the inbound message, stored in the conversation `from` selects (none on a redelivery). */
const messageCte = (channel: IngestChannel, event: InboundMessageEvent, options: IngestOptions, from: SQL) => sql`
  message as (
    insert into messages (workspace_id, conversation_id, channel_id, direction, author, text, attachments, meta, provider_message_id, client_id, status)
    select ${channel.workspaceId}, conversation.id, ${channel.id}, 'in', 'contact', ${event.text}, ${JSON.stringify(event.attachments ?? [])}::jsonb,
           ${JSON.stringify(inboundMeta(event))}::jsonb, ${event.providerMessageId}, ${options.clientId ?? null}, 'received'
    ${from}
    on conflict do nothing
    returning id, conversation_id
  )`;

/**
 * The route_event job of the `message` CTE's message (addJobCtes), with routing hints for a short
 * text; `handledBy` and `contactId` are SQL expressions over the statement's CTEs.
 */
function routeJobCtes(channel: IngestChannel, event: InboundMessageEvent, taker: JobTaker | null, the: { contactId: SQL; handledBy: SQL; first: boolean }) {
  const hints =
    event.text.length <= HINTED_TEXT_MAX
      ? // A message that resumes a waiting run is routed the careful way: no hints.
        sql`, 'hints', case when not exists (${waitingForReply(sql`message.conversation_id`)})
            then json_build_object('text', ${event.text}::text, 'handledBy', ${the.handledBy}, 'channelType', ${channel.type}::text) end`
      : sql``;
  return addJobCtes(
    ROUTE_EVENT_TASK,
    sql`(select json_build_object(
           'workspaceId', ${channel.workspaceId}::text, 'conversationId', message.conversation_id, 'messageId', message.id,
           'contactId', ${the.contactId}, 'channelId', ${channel.id}::text, 'kind', 'message',
           'isFirstMessage', ${the.first}::boolean, 'conversationOpened', ${the.first}::boolean${hints}) as payload,
         ${conversationQueue('')} || message.conversation_id as queue_name
       from message) as source`,
    taker,
  );
}

/**
 * The common case in one statement, its own transaction: a known customer writing into their open
 * conversation. Contact touched, message stored, conversation stamped and route_event job added
 * (locked for this process when its `taker` has room and the conversation's queue is free), all or
 * nothing, as storeMessage does in seven round trips. `new` for a customer never seen on the
 * channel (see storeNewCustomer), null for a known one without an open conversation: storeMessage
 * handles that.
 */
export async function storeInOpenConversation(
  db: Executor,
  channel: IngestChannel,
  event: InboundMessageEvent,
  options: IngestOptions,
  taker: JobTaker | null,
  { withContext = false }: { withContext?: boolean } = {},
): Promise<Stored | 'duplicate' | 'new' | null> {
  type Row = { contact_id: string | null; conversation_id: string | null; status: string | null; message_id: string | null } & AddedJob & Partial<InboundContextRow>;
  const sentAt = sentAtOf(event);
  const result = await db.execute<Row>(sql`
    with contact as (
      update contacts c set
        name = coalesce(c.name, ${event.name ?? null}), email = coalesce(c.email, ${event.email ?? null}),
        phone = coalesce(c.phone, ${event.phone ?? null}), deleted_at = null, updated_at = now()
      from contact_identities ci
      where ci.channel_id = ${channel.id} and ci.external_id = ${event.externalId} and c.id = ci.contact_id
        and c.erased_at is null
      returning c.id, c.name, c.email, c.phone, c.attributes, c.tags
    ), conversation as (
      select cv.id, cv.status, cv.handled_by, cv.channel_id, cv.assignee_id, cv.team_id, cv.priority, cv.last_inbound_at from conversations cv
      where cv.contact_id = (select id from contact) and cv.channel_id = ${channel.id}
      order by cv.created_at desc limit 1
      for update
    ), ${messageCte(channel, event, options, sql`from conversation where conversation.status = 'open'`)}, stamped as (
      update conversations set
        last_message_at = greatest(last_message_at, now()),
        last_inbound_at = greatest(last_inbound_at, ${sentAt.toISOString()}::timestamptz),
        waiting_since = coalesce(waiting_since, now()), updated_at = now()
      where id = (select conversation_id from message)
    ), ${routeJobCtes(channel, event, taker, { contactId: sql`(select id from contact)`, handledBy: sql`(select handled_by from conversation)`, first: false })}
    select (select id from contact) as contact_id, (select id from conversation) as conversation_id, (select status from conversation) as status,
           (select id from message) as message_id, ${ADDED_JOB_COLUMNS}${withContext ? sql`, ${inboundContextColumns(channel.workspaceId)}` : sql``}`);
  const row = result.rows[0];
  if (!row?.contact_id) return 'new';
  if (!row.conversation_id || row.status !== 'open') return null;
  if (!row.message_id) return 'duplicate';
  const context = withContext ? inboundContextOf(row as Row & InboundContextRow, channel.type, row.message_id, event, sentAt) : null;
  return { messageId: row.message_id, conversationId: row.conversation_id, job: row, context };
}

/**
 * A customer never seen on this channel, in one statement instead of storeMessage's nine round
 * trips: identity, contact, conversation, message and route_event job. The identity goes first
 * (the contact's id is chosen here, and foreign keys are checked at the end of the statement), and
 * everything else depends on it, so a concurrent first message of the same person (the identity
 * exists now) or a redelivery writes nothing: null, and storeMessage sorts it out. Only for a
 * customer who gave no phone or email (those may belong to a contact met on another channel).
 */
export async function storeNewCustomer(
  db: Executor,
  channel: IngestChannel,
  event: InboundMessageEvent,
  options: IngestOptions,
  taker: JobTaker | null,
  { withContext = false }: { withContext?: boolean } = {},
): Promise<Stored | null> {
  if (event.phone || event.email) return null;
  const contactId = randomUUID();
  const sentAt = sentAtOf(event);
  type Row = { message_id: string | null; conversation_id: string | null } & AddedJob & Partial<InboundContextRow>;
  const result = await db.execute<Row>(sql`
    with identity as (
      insert into contact_identities (workspace_id, contact_id, channel_id, external_id)
      select ${channel.workspaceId}, ${contactId}, ${channel.id}, ${event.externalId}
      where not exists (select 1 from messages m where m.channel_id = ${channel.id} and m.provider_message_id = ${event.providerMessageId})
      on conflict (channel_id, external_id) do nothing
      returning contact_id
    ), contact as (
      insert into contacts (id, workspace_id, name) select contact_id, ${channel.workspaceId}, ${event.name ?? null} from identity
      returning id, name, email, phone, attributes, tags
    ), conversation as (
      insert into conversations (workspace_id, contact_id, channel_id, status, last_message_at, last_inbound_at, waiting_since)
      select ${channel.workspaceId}, contact.id, ${channel.id}, 'open', now(), ${sentAt.toISOString()}::timestamptz, now() from contact
      returning id, handled_by, status, channel_id, assignee_id, team_id, priority, last_inbound_at
    ), ${messageCte(channel, event, options, sql`from conversation`)}, ${routeJobCtes(channel, event, taker, { contactId: sql`${contactId}::text`, handledBy: sql`(select handled_by from conversation)`, first: true })}
    select (select id from message) as message_id, (select conversation_id from message) as conversation_id, ${ADDED_JOB_COLUMNS}${withContext ? sql`, ${inboundContextColumns(channel.workspaceId)}` : sql``}`);
  const row = result.rows[0];
  if (!row?.message_id || !row.conversation_id) return null;
  const context = withContext ? inboundContextOf(row as Row & InboundContextRow, channel.type, row.message_id, event, sentAt) : null;
  return { messageId: row.message_id, conversationId: row.conversation_id, job: row, context };
}
