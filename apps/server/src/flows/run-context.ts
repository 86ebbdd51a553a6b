import { sql, type SQL } from 'drizzle-orm';
import { contacts, workspaces, type Executor } from '@switchboard/db';
import type { ContactData, ConversationData, FlowData, WorkspaceData } from '@switchboard/flow';
import { notFoundError } from '../domain-errors';

type WorkflowRunRow = {
  workspaceId: string;
  contactId: string | null;
  conversationId: string | null;
  trigger: Record<string, unknown>;
  variables: Record<string, unknown>;
};

/** How many of a conversation's latest messages the flow context carries. */
export const RECENT_MESSAGES = 10;

/** Loads what a run's templates and conditions read: contact, conversation, message, workspace. */
export async function loadFlowData(db: Executor, run: WorkflowRunRow, messageId?: string | null): Promise<FlowData> {
  return (await loadFlowContext(db, run, messageId)).data;
}

type WorkspaceRow = Pick<typeof workspaces.$inferSelect, 'id' | 'name' | 'timezone' | 'businessHours' | 'holidays' | 'settings'>;
type ContactRow = Pick<typeof contacts.$inferSelect, 'id' | 'name' | 'email' | 'phone' | 'attributes' | 'tags'>;
export type FlowContextRow = {
  workspace: WorkspaceRow | null;
  contact: ContactRow | null;
  conversation: Omit<ConversationData, 'recentMessages'> | null;
  recent: ConversationData['recentMessages'];
  message: { id: string; text: string; attachments: { url: string; contentType?: string }[]; quickReply: string | null } | null;
};

// Timestamps as toISOString() writes them, so templates see the same text either way.
export const iso = (column: string) => sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

/** What a flow step reads of its run's world: the data its templates and conditions see, and the workspace's settings (for the flow services). */
export type FlowContext = { data: FlowData; settings: (typeof workspaces.$inferSelect)['settings'] };

/** The run fields the flow context is read for: values, or SQL expressions of the statement reading it. */
export type FlowContextScope = { [K in 'workspaceId' | 'contactId' | 'conversationId']: WorkflowRunRow[K] | SQL };

/**
 * loadFlowData plus the workspace's settings (for the flow services). One statement: every flow
 * step that reads the customer's data waits for one round trip, not six.
 */
export async function loadFlowContext(db: Executor, run: WorkflowRunRow, messageId?: string | null): Promise<FlowContext> {
  const triggerMessageId = messageId ?? (typeof run.trigger.messageId === 'string' ? run.trigger.messageId : null);
  const result = await db.execute<FlowContextRow>(sql`select ${flowContextColumns(run, triggerMessageId)}`);
  return flowContextOf(result.rows[0]!, run);
}

/**
 * The flow context as select-list columns, for a statement to read along with its own work (routing
 * reads it while starting the runs). Read with flowContextOf.
 */
export function flowContextColumns(scope: FlowContextScope, messageId: string | null | SQL) {
  const ws = scope.workspaceId;
  // Each row is found by its primary key alone and its workspace is checked on the row. Given both
  // in the WHERE, a generic plan made while a table was small (a new install, the first minute
  // before autovacuum's ANALYZE) may read the workspace index instead: it read every message of the
  // workspace to find the trigger message, 5 ms per routing at 5,600 messages.
  return sql`
      ${workspaceColumn(ws)} as workspace,
      (select case when c.workspace_id = ${ws} then
                json_build_object('id', c.id, 'name', c.name, 'email', c.email, 'phone', c.phone, 'attributes', c.attributes, 'tags', c.tags) end
         from contacts c where c.id = ${scope.contactId}) as contact,
      (select case when cv.workspace_id = ${ws} then
                json_build_object('id', cv.id, 'channelId', cv.channel_id, 'channelType', ch.type, 'status', cv.status,
                                  'assigneeId', cv.assignee_id, 'teamId', cv.team_id, 'priority', cv.priority, 'handledBy', cv.handled_by,
                                  'lastInboundAt', ${iso('cv.last_inbound_at')}) end
         from conversations cv join channels ch on ch.id = cv.channel_id
         where cv.id = ${scope.conversationId}) as conversation,
      (select coalesce(json_agg(json_build_object('direction', r.direction, 'text', r.text) order by r.created_at), '[]'::json)
         from (select direction, text, created_at from messages
               where conversation_id = (select case when workspace_id = ${ws} then id end from conversations where id = ${scope.conversationId})
                 and not private
               order by created_at desc limit ${RECENT_MESSAGES}) r) as recent,
      (select case when m.workspace_id = ${ws} then
                json_build_object('id', m.id, 'text', m.text, 'attachments', m.attachments, 'quickReply', m.meta->>'quickReply') end
         from messages m where m.id = ${messageId}) as message`;
}

/** The workspace's part of the flow context, as one JSON column. */
export const workspaceColumn = (workspaceId: string | SQL) => sql`
      (select json_build_object('id', w.id, 'name', w.name, 'timezone', w.timezone, 'businessHours', w.business_hours,
                                'holidays', w.holidays, 'settings', w.settings)
         from workspaces w where w.id = ${workspaceId})`;

/** The flow context from a row holding flowContextColumns (for `run`'s trigger and variables). */
export function flowContextOf(row: FlowContextRow, run: Pick<WorkflowRunRow, 'trigger' | 'variables'>): FlowContext {
  if (!row.workspace) throw notFoundError('Workspace');
  const message = row.message;
  const data: FlowData = {
    contact: row.contact ? presentContactData(row.contact) : emptyContact(),
    conversation: row.conversation ? { ...row.conversation, recentMessages: row.recent } : null,
    message: message
      ? {
          id: message.id,
          text: message.text,
          attachments: message.attachments.map((a) => ({ url: a.url, ...(a.contentType ? { type: a.contentType } : {}) })),
          ...(message.quickReply ? { quickReply: message.quickReply } : {}),
        }
      : null,
    trigger: run.trigger,
    vars: run.variables,
    workspace: presentWorkspaceData(row.workspace),
  };
  return { data, settings: row.workspace.settings };
}

export function presentWorkspaceData(row: WorkspaceRow): WorkspaceData {
  const { ai: _ai, ...settings } = row.settings;
  return { id: row.id, name: row.name, timezone: row.timezone, businessHours: row.businessHours, holidays: row.holidays, settings };
}

export function emptyContact(): ContactData {
  return { id: '', name: null, firstName: null, email: null, phone: null, attributes: {}, tags: [] };
}

export function presentContactData(row: ContactRow): ContactData {
  return {
    id: row.id,
    name: row.name,
    firstName: row.name ? (row.name.trim().split(/\s+/)[0] ?? null) : null,
    email: row.email,
    phone: row.phone,
    attributes: row.attributes,
    tags: row.tags,
  };
}
