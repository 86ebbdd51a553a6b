import { sql, type SQL } from 'drizzle-orm';
import type { InboundMessageEvent } from '@switchboard/channels';
import { flowContextColumns, iso, RECENT_MESSAGES, workspaceColumn, type FlowContextRow } from './run-context';

/** What the statement that stores a message reads of the flow context (see inboundContextColumns). */
export type InboundContextRow = {
  ctx_workspace: FlowContextRow['workspace'];
  ctx_contact: FlowContextRow['contact'];
  ctx_conversation: (Omit<NonNullable<FlowContextRow['conversation']>, 'channelType'> & { lastInboundAt: string | null }) | null;
  ctx_recent: FlowContextRow['recent'];
};

/**
 * The flow context a message's runs start from, read by the statement that stores the message
 * (storeInOpenConversation, storeNewCustomer), so routing can start the run and commit its first
 * reply in one statement instead of reading the context first (see jobs/first-reply.ts). Select-list
 * columns over that statement's `contact` and `conversation` CTEs, which must return the columns
 * used here. The statement cannot see its own writes: inboundContextOf adds the message itself and
 * the conversation's new last_inbound_at, as a later read would see them.
 */
export function inboundContextColumns(workspaceId: string) {
  return sql`
    ${workspaceColumn(workspaceId)} as ctx_workspace,
    (select json_build_object('id', id, 'name', name, 'email', email, 'phone', phone, 'attributes', attributes, 'tags', tags) from contact) as ctx_contact,
    (select json_build_object('id', id, 'channelId', channel_id, 'status', status, 'assigneeId', assignee_id, 'teamId', team_id,
                              'priority', priority, 'handledBy', handled_by, 'lastInboundAt', ${iso('last_inbound_at')})
       from conversation) as ctx_conversation,
    (select coalesce(json_agg(json_build_object('direction', r.direction, 'text', r.text) order by r.created_at), '[]'::json)
       from (select direction, text, created_at from messages
             where conversation_id = (select id from conversation) and not private
             order by created_at desc limit ${RECENT_MESSAGES - 1}) r) as ctx_recent`;
}

/** The flow context row of a message just stored (`sentAt` as the statement stamped last_inbound_at); null when a part is missing. */
export function inboundContextOf(row: InboundContextRow, channelType: string, messageId: string, event: InboundMessageEvent, sentAt: Date): FlowContextRow | null {
  const { ctx_workspace: workspace, ctx_contact: contact, ctx_conversation: conversation } = row;
  if (!workspace || !contact || !conversation) return null;
  const before = conversation.lastInboundAt;
  const lastInboundAt = before && before > sentAt.toISOString() ? before : sentAt.toISOString();
  return {
    workspace,
    contact,
    conversation: {
      id: conversation.id,
      channelId: conversation.channelId,
      channelType,
      status: conversation.status,
      assigneeId: conversation.assigneeId,
      teamId: conversation.teamId,
      priority: conversation.priority,
      handledBy: conversation.handledBy,
      lastInboundAt,
    },
    recent: [...(row.ctx_recent ?? []), { direction: 'in', text: event.text }],
    message: { id: messageId, text: event.text, attachments: event.attachments ?? [], quickReply: event.quickReply ?? null },
  };
}

/**
 * The flow context of a message whose route_event job (`payload`, a json SQL expression) is taken
 * from its conversation's queue: a message that waited behind the one before it, read as routing
 * would read it, after everything before it committed, so its first reply may commit with the
 * routing too (see createInlineJobs). Null for a message routed the careful way (no hints).
 */
export function routeContextOfJob(payload: SQL): SQL {
  const uuid = (field: string) => sql`(${payload}->>${sql.raw(`'${field}'`)})::uuid`;
  const scope = { workspaceId: uuid('workspaceId'), contactId: uuid('contactId'), conversationId: uuid('conversationId') };
  return sql`case when ${payload}->>'kind' = 'message' and ${payload}->>'hints' is not null
    then (select row_to_json(c) from (select ${flowContextColumns(scope, uuid('messageId'))}) c) end`;
}
