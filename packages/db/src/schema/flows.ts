import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, tstz, updatedAt } from './columns';
import { contacts, conversations } from './inbox';
import { users, workspaces } from './tenancy';

export type WorkflowStatus = 'draft' | 'active' | 'paused';
export type RunStatus = 'running' | 'waiting' | 'completed' | 'failed' | 'cancelled';

export const workflows = pgTable(
  'workflows',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description'),
    status: text('status').$type<WorkflowStatus>().notNull().default('draft'),
    draft: jsonb('draft').$type<Record<string, unknown>>().notNull(),
    activeVersionId: uuid('active_version_id'),
    /** Secret path segment of the webhook trigger URL, made on first publish. */
    webhookToken: text('webhook_token'),
    /** Last minute a schedule trigger was evaluated up to, so a tick is never run twice. */
    scheduledThrough: tstz('scheduled_through'),
    /** The owner's order in the flow list: the first matching message flow answers (flows/choose-flow.ts). */
    position: bigint('position', { mode: 'number' }).notNull().default(sql`nextval('workflows_position_seq')`),
    deletedAt: tstz('deleted_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('workflows_workspace_idx').on(t.workspaceId), uniqueIndex('workflows_webhook_token_key').on(t.webhookToken)],
);

export const workflowVersions = pgTable(
  'workflow_versions',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    workflowId: uuid('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    number: integer('number').notNull(),
    definition: jsonb('definition').$type<Record<string, unknown>>().notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('workflow_versions_workflow_number_key').on(t.workflowId, t.number),
    index('workflow_versions_workspace_idx').on(t.workspaceId),
  ],
);

export const workflowRuns = pgTable(
  'workflow_runs',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    workflowId: uuid('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    versionId: uuid('version_id')
      .notNull()
      .references(() => workflowVersions.id, { onDelete: 'cascade' }),
    conversationId: uuid('conversation_id').references(() => conversations.id, { onDelete: 'set null' }),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    trigger: jsonb('trigger').$type<Record<string, unknown>>().notNull().default({}),
    status: text('status').$type<RunStatus>().notNull().default('running'),
    currentNodeId: text('current_node_id'),
    /** State the current waiting node keeps between activations (e.g. ask attempts). */
    nodeState: jsonb('node_state').$type<Record<string, unknown>>(),
    variables: jsonb('variables').$type<Record<string, unknown>>().notNull().default({}),
    stepCount: integer('step_count').notNull().default(0),
    /** Why the run is about to continue (a reply, a timeout, a delay), kept until the step that consumes it commits. */
    resume: jsonb('resume').$type<Record<string, unknown>>(),
    error: text('error'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    finishedAt: tstz('finished_at'),
  },
  (t) => [
    index('workflow_runs_workspace_idx').on(t.workspaceId, t.createdAt),
    index('workflow_runs_workflow_idx').on(t.workflowId, t.createdAt),
    // Every conversation-scoped lookup asks for its running run; a run that finishes leaves this
    // index, and one written already finished (a reply-only flow) never enters it.
    index('workflow_runs_running_idx').on(t.conversationId).where(sql`${t.status} = 'running'`),
    // Flow-caused runs of a contact, counted before a tag starts another (apps/server/src/flows/flow-guards.ts).
    index('workflow_runs_contact_caused_idx').on(t.contactId, t.createdAt).where(sql`(${t.trigger} ->> 'kind') <> 'message'`),
  ],
);

export const runSteps = pgTable(
  'run_steps',
  {
    // Shown with the step, never looked up: not indexed (see the primary key below).
    id: uuid('id').notNull().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    runId: uuid('run_id')
      .notNull()
      .references(() => workflowRuns.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    nodeId: text('node_id').notNull(),
    nodeType: text('node_type').notNull(),
    status: text('status').$type<'completed' | 'waiting' | 'failed'>().notNull(),
    input: jsonb('input').$type<Record<string, unknown>>(),
    output: jsonb('output').$type<Record<string, unknown>>(),
    error: text('error'),
    startedAt: tstz('started_at').notNull().defaultNow(),
    finishedAt: tstz('finished_at'),
  },
  // Steps are read by run, and a message writes three or more: their only index is the primary
  // key (run, seq). The uuid key it replaced cost each step an entry at a random place in a second
  // B-tree. No index on workspace_id either (a workspace's deletion, which is rare, scans for them).
  (t) => [primaryKey({ name: 'run_steps_pkey', columns: [t.runId, t.seq] })],
);

export const runWaits = pgTable(
  'run_waits',
  {
    id: id(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    runId: uuid('run_id')
      .notNull()
      .references(() => workflowRuns.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<'reply' | 'delay'>().notNull(),
    conversationId: uuid('conversation_id').references(() => conversations.id, { onDelete: 'cascade' }),
    nodeId: text('node_id').notNull(),
    expiresAt: tstz('expires_at'),
    resolvedAt: tstz('resolved_at'),
    createdAt: createdAt(),
  },
  (t) => [
    index('run_waits_workspace_idx').on(t.workspaceId),
    index('run_waits_conversation_open_idx').on(t.conversationId, t.kind, t.resolvedAt),
    index('run_waits_run_idx').on(t.runId),
  ],
);
