import { and, desc, eq } from 'drizzle-orm';
import { channels, contacts, conversations, messages, workspaces, type Executor } from '@switchboard/db';
import type { ContactData, ConversationData, FlowData, MessageData, WorkspaceData } from '@switchboard/flow';
import { notFound } from '../http/errors';

type WorkflowRunRow = {
  workspaceId: string;
  contactId: string | null;
  conversationId: string | null;
  trigger: Record<string, unknown>;
  variables: Record<string, unknown>;
};

const RECENT_MESSAGES = 10;

/** Loads what a run's templates and conditions read: contact, conversation, message, workspace. */
export async function loadFlowData(db: Executor, run: WorkflowRunRow, messageId?: string | null): Promise<FlowData> {
  return (await loadFlowContext(db, run, messageId)).data;
}

/** loadFlowData plus the workspace's settings (for the flow services), from one workspace read. */
export async function loadFlowContext(db: Executor, run: WorkflowRunRow, messageId?: string | null): Promise<{ data: FlowData; settings: (typeof workspaces.$inferSelect)['settings'] }> {
  const triggerMessageId = messageId ?? (typeof run.trigger.messageId === 'string' ? run.trigger.messageId : null);
  // Independent reads, in parallel on a pool: a flow step waits for one round trip, not five.
  const [[workspace], contact, conversation, message] = await Promise.all([
    db.select().from(workspaces).where(eq(workspaces.id, run.workspaceId)),
    run.contactId ? loadContact(db, run.workspaceId, run.contactId) : emptyContact(),
    run.conversationId ? loadConversation(db, run.workspaceId, run.conversationId) : null,
    triggerMessageId ? loadMessage(db, run.workspaceId, triggerMessageId) : null,
  ]);
  if (!workspace) throw notFound('Workspace');
  const data: FlowData = {
    contact,
    conversation,
    message,
    trigger: run.trigger,
    vars: run.variables,
    workspace: presentWorkspaceData(workspace),
  };
  return { data, settings: workspace.settings };
}

export function presentWorkspaceData(row: typeof workspaces.$inferSelect): WorkspaceData {
  const { ai: _ai, ...settings } = row.settings;
  return { id: row.id, name: row.name, timezone: row.timezone, businessHours: row.businessHours, holidays: row.holidays, settings };
}

export function emptyContact(): ContactData {
  return { id: '', name: null, firstName: null, email: null, phone: null, attributes: {}, tags: [] };
}

export function presentContactData(row: typeof contacts.$inferSelect): ContactData {
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

async function loadContact(db: Executor, workspaceId: string, contactId: string): Promise<ContactData> {
  const [row] = await db.select().from(contacts).where(and(eq(contacts.id, contactId), eq(contacts.workspaceId, workspaceId)));
  return row ? presentContactData(row) : emptyContact();
}

async function loadConversation(db: Executor, workspaceId: string, conversationId: string): Promise<ConversationData | null> {
  const [[row], recent] = await Promise.all([
    db
      .select({ conversation: conversations, channelType: channels.type })
      .from(conversations)
      .innerJoin(channels, eq(channels.id, conversations.channelId))
      .where(and(eq(conversations.id, conversationId), eq(conversations.workspaceId, workspaceId))),
    db
      .select({ direction: messages.direction, text: messages.text })
      .from(messages)
      .where(and(eq(messages.conversationId, conversationId), eq(messages.private, false), eq(messages.workspaceId, workspaceId)))
      .orderBy(desc(messages.createdAt))
      .limit(RECENT_MESSAGES),
  ]);
  if (!row) return null;
  const c = row.conversation;
  return {
    id: c.id,
    channelId: c.channelId,
    channelType: row.channelType,
    status: c.status,
    assigneeId: c.assigneeId,
    teamId: c.teamId,
    priority: c.priority,
    handledBy: c.handledBy,
    lastInboundAt: c.lastInboundAt?.toISOString() ?? null,
    recentMessages: recent.reverse(),
  };
}

async function loadMessage(db: Executor, workspaceId: string, messageId: string): Promise<MessageData | null> {
  const [row] = await db.select().from(messages).where(and(eq(messages.id, messageId), eq(messages.workspaceId, workspaceId)));
  if (!row) return null;
  const quickReply = typeof row.meta.quickReply === 'string' ? row.meta.quickReply : undefined;
  return {
    id: row.id,
    text: row.text,
    attachments: row.attachments.map((a) => ({ url: a.url, ...(a.contentType ? { type: a.contentType } : {}) })),
    ...(quickReply ? { quickReply } : {}),
  };
}
