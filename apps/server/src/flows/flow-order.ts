import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { workflows, type Database } from '@switchboard/db';

/** An id in the new order that is not a flow of this workspace, or one listed twice. */
export class FlowOrderError extends Error {
  override name = 'FlowOrderError';
}

/**
 * Sets the owner's order of the workspace's flows: `ids` first, in that order, then any flow the
 * caller did not list (made in another tab meanwhile) after them in their current order. One
 * transaction, the workspace's flows locked, so two reorders never interleave.
 */
export async function setFlowOrder(db: Database, workspaceId: string, ids: readonly string[]): Promise<void> {
  if (new Set(ids).size !== ids.length) throw new FlowOrderError('A flow is listed twice');
  await db.transaction(async (tx) => {
    const current = await tx
      .select({ id: workflows.id })
      .from(workflows)
      .where(and(eq(workflows.workspaceId, workspaceId), isNull(workflows.deletedAt)))
      .orderBy(asc(workflows.position), asc(workflows.createdAt))
      .for('update');
    const known = new Set(current.map((r) => r.id));
    const unknown = ids.find((id) => !known.has(id));
    if (unknown) throw new FlowOrderError(`${unknown} is not a flow of this workspace`);
    const order = [...ids, ...current.map((r) => r.id).filter((id) => !ids.includes(id))];
    if (!order.length) return;
    const cases = sql.join(
      order.map((id, i) => sql`when ${id}::uuid then ${i + 1}::bigint`),
      sql` `,
    );
    await tx
      .update(workflows)
      .set({ position: sql`case ${workflows.id} ${cases} end` })
      .where(and(eq(workflows.workspaceId, workspaceId), inArray(workflows.id, order)));
  });
}
