import { and, asc, eq, isNull, ne } from 'drizzle-orm';
import { workflows, workflowVersions, type Database, type Executor, type Role } from '@switchboard/db';
import { FlowDocument, validateFlow, type FlowNodeEnvelope } from '@switchboard/flow';
import type { Config } from '../config';
import { notFoundError } from '../domain-errors';
import { renderer } from './flow-services';
import { connectedChannels } from '../inbox/connected-channels';
import { answersInWords } from './order-conflicts';

export type WorkflowRow = typeof workflows.$inferSelect;
export type Issue = { nodeId?: string; field?: string; message: string; code: string };

/** A workspace's workflow, never another's; soft-deleted ones are gone for the API. */
export async function findWorkflow(db: Executor, workspaceId: string, id: string, options: { lock?: boolean } = {}): Promise<WorkflowRow> {
  const query = db
    .select()
    .from(workflows)
    .where(and(eq(workflows.id, id), eq(workflows.workspaceId, workspaceId), isNull(workflows.deletedAt)));
  const [row] = options.lock ? await query.for('update') : await query;
  if (!row) throw notFoundError('Workflow');
  return row;
}

export function triggerOf(definition: unknown): FlowNodeEnvelope | undefined {
  const nodes = (definition as { nodes?: FlowNodeEnvelope[] })?.nodes;
  return Array.isArray(nodes) ? nodes.find((n) => typeof n?.type === 'string' && n.type.startsWith('trigger.')) : undefined;
}

/** Keywords of the workspace's other active flows, for the keyword-clash warning. */
export async function activeKeywords(db: Executor, workspaceId: string, exceptWorkflowId: string) {
  const rows = await db
    .select({ workflowId: workflows.id, workflowName: workflows.name, definition: workflowVersions.definition })
    .from(workflows)
    .innerJoin(workflowVersions, eq(workflowVersions.id, workflows.activeVersionId))
    .where(
      and(
        eq(workflows.workspaceId, workspaceId),
        eq(workflows.status, 'active'),
        isNull(workflows.deletedAt),
        ne(workflows.id, exceptWorkflowId),
      ),
    );
  return rows.flatMap((row) => {
    const trigger = triggerOf(row.definition);
    const keywords = (trigger?.config as { keywords?: string[] } | undefined)?.keywords;
    return trigger?.type === 'trigger.message_received' && keywords?.length
      ? [{ workflowId: row.workflowId, workflowName: row.workflowName, keywords }]
      : [];
  });
}

/** Validation of a stored draft: the document's shape first, then the flow's own rules. */
export async function validateDraft(db: Executor, workspaceId: string, row: WorkflowRow): Promise<{ errors: Issue[]; warnings: Issue[] }> {
  const parsed = FlowDocument.safeParse(row.draft);
  // A draft is stored even when it is not a readable document; validateFlow says why in words.
  if (!parsed.success) return validateFlow(row.draft);
  return validateFlow(parsed.data, {
    activeKeywords: await activeKeywords(db, workspaceId, row.id),
    channels: await connectedChannels(db, workspaceId),
    workflowId: row.id,
    checkTemplate: (template) => renderer.check(template),
  });
}

/**
 * A workflow as the API shows it. The webhook address holds the token that starts the flow, so
 * only admins and owners (`role` omitted: the admin-only routes) see it; agents get null.
 */
export async function presentWorkflow(db: Database, config: Config, row: WorkflowRow, role?: Role) {
  const [version] = row.activeVersionId
    ? await db
        .select({ id: workflowVersions.id, number: workflowVersions.number })
        .from(workflowVersions)
        .where(eq(workflowVersions.id, row.activeVersionId))
    : [];
  const trigger = triggerOf(row.draft);
  return {
    ...presentWorkflowSummary(row, version?.number ?? null),
    definition: row.draft,
    activeVersion: version ?? null,
    ...(row.webhookToken && trigger?.type === 'trigger.webhook'
      ? { webhookUrl: role === 'agent' ? null : `${config.publicUrl}/webhooks/flows/${row.webhookToken}` }
      : {}),
    validation: await validateDraft(db, row.workspaceId, row),
  };
}

export function presentWorkflowSummary(row: WorkflowRow, activeVersion: number | null) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    status: row.status,
    triggerType: triggerOf(row.draft)?.type ?? null,
    activeVersion,
    position: row.position,
    answers: answersInWords(triggerOf(row.draft)),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function listWorkflows(db: Database, workspaceId: string) {
  const rows = await db
    .select({ workflow: workflows, version: workflowVersions.number })
    .from(workflows)
    .leftJoin(workflowVersions, eq(workflowVersions.id, workflows.activeVersionId))
    .where(and(eq(workflows.workspaceId, workspaceId), isNull(workflows.deletedAt)))
    // The owner's order: the first matching message flow answers (choose-flow.ts).
    .orderBy(asc(workflows.position), asc(workflows.createdAt));
  return rows.map((r) => presentWorkflowSummary(r.workflow, r.version ?? null));
}

export const EMPTY_FLOW = { schemaVersion: 1, nodes: [], edges: [] } as const;
