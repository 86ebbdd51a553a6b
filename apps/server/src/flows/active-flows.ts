import { and, asc, eq, isNull } from 'drizzle-orm';
import { workflows, workflowVersions, type Database } from '@switchboard/db';
import { findTrigger, type FlowDocument, type FlowNodeEnvelope } from '@switchboard/flow';
import { BUS_RECONNECTED, type EventBus } from '../events/bus';

export interface ActiveFlow {
  workflowId: string;
  versionId: string;
  name: string;
  definition: FlowDocument;
  trigger: FlowNodeEnvelope;
}

export const WORKFLOWS_CHANGED = 'workflows.changed';
// A safety net only: publish/pause invalidate at once through the bus, in every process.
const MAX_AGE_MS = 60_000;

/**
 * The published flows of each workspace, kept in memory because every inbound message
 * needs them. Invalidated on publish/pause through LISTEN/NOTIFY so all processes agree.
 */
export class ActiveFlowCache {
  private readonly entries = new Map<string, { loadedAt: number; flows: Promise<ActiveFlow[]> }>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly db: Database,
    events: EventBus,
  ) {
    this.unsubscribe = events.subscribe((event) => {
      if (event.type === WORKFLOWS_CHANGED) this.entries.delete(event.workspaceId);
      // Publishes made while the bus was disconnected were not heard: forget everything.
      if (event.type === BUS_RECONNECTED) this.entries.clear();
    });
  }

  get(workspaceId: string): Promise<ActiveFlow[]> {
    const cached = this.entries.get(workspaceId);
    if (cached && Date.now() - cached.loadedAt < MAX_AGE_MS) return cached.flows;
    const flows = this.load(workspaceId);
    this.entries.set(workspaceId, { loadedAt: Date.now(), flows });
    flows.catch(() => this.entries.delete(workspaceId));
    return flows;
  }

  invalidate(workspaceId: string) {
    this.entries.delete(workspaceId);
  }

  close() {
    this.unsubscribe();
  }

  private async load(workspaceId: string): Promise<ActiveFlow[]> {
    const rows = await this.db
      .select({ workflowId: workflows.id, name: workflows.name, versionId: workflowVersions.id, definition: workflowVersions.definition })
      .from(workflows)
      .innerJoin(workflowVersions, eq(workflowVersions.id, workflows.activeVersionId))
      .where(and(eq(workflows.workspaceId, workspaceId), eq(workflows.status, 'active'), isNull(workflows.deletedAt)))
      // The owner's order: chooseFlow takes the first match.
      .orderBy(asc(workflows.position), asc(workflows.createdAt));
    const flows: ActiveFlow[] = [];
    for (const row of rows) {
      const definition = row.definition as unknown as FlowDocument;
      const trigger = findTrigger(definition);
      if (trigger) flows.push({ workflowId: row.workflowId, versionId: row.versionId, name: row.name, definition, trigger });
    }
    return flows;
  }
}
