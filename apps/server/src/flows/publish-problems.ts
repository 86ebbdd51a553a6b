/**
 * Why a flow cannot be published, in words an owner can act on: each problem names the step the
 * way the canvas draws it ("Send message: This step needs a message."), so the API answer and
 * the editor's publish dialog read the same.
 */
import { getDefinition } from '@switchboard/flow';
import type { AppDeps } from '../context';
import { orderConflicts } from './order-conflicts';
import type { Issue } from './workflow-store';

export type NamedIssue = Issue & { step?: string };

const MAX_STEP_NAME = 80;
const LISTED_IN_MESSAGE = 3;

/** Adds `step` (the step's name on the canvas) to each problem about a step of `draft`. */
export function nameSteps(draft: unknown, issues: readonly Issue[]): NamedIssue[] {
  const nodes = (draft as { nodes?: unknown } | null)?.nodes;
  const names = new Map<string, string>();
  for (const node of Array.isArray(nodes) ? nodes : []) {
    if (!node || typeof node !== 'object') continue;
    const { id, type, label } = node as Record<string, unknown>;
    if (typeof id !== 'string' || names.has(id)) continue;
    const name =
      typeof label === 'string' && label.trim() ? label.trim() : (typeof type === 'string' && getDefinition(type)?.label) || 'A step';
    names.set(id, name.slice(0, MAX_STEP_NAME));
  }
  return issues.map((issue) => {
    const step = issue.nodeId ? names.get(issue.nodeId) : undefined;
    return step ? { ...issue, step } : { ...issue };
  });
}

/** The 422 message: how many problems, the first few spelled out; `details.errors` has them all. */
export function publishRefusal(issues: readonly NamedIssue[]): string {
  const listed = issues.slice(0, LISTED_IN_MESSAGE).map((i) => (i.step ? `${i.step}: ${i.message}` : i.message));
  const more = issues.length > LISTED_IN_MESSAGE ? ` (and ${issues.length - LISTED_IN_MESSAGE} more)` : '';
  const head = issues.length === 1 ? 'Fix this before publishing:' : `Fix these ${issues.length} problems before publishing:`;
  return `${head} ${listed.join(' ')}${more}`;
}

/**
 * After a publish: the live message flows that answer some message this one answers too, each as a
 * warning on its trigger naming which goes first ("'Opening hours' and 'Welcome menu' both answer
 * a first message saying 'hours' — 'Welcome menu' goes first; change the order?").
 */
export async function publishedOrderConflicts(
  deps: Pick<AppDeps, 'activeFlows'>,
  workspaceId: string,
  workflowId: string,
): Promise<NamedIssue[]> {
  const live = (await deps.activeFlows.get(workspaceId)).map((f, position) => ({ ...f, position }));
  const published = live.find((f) => f.workflowId === workflowId);
  if (!published) return [];
  return orderConflicts(published, live).map((conflict) => ({
    code: conflict.code,
    message: conflict.message,
    nodeId: published.trigger.id,
    step: 'Flow order',
  }));
}
