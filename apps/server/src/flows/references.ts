import { and, eq, inArray, isNull } from 'drizzle-orm';
import { channels, memberships, teams, type Executor } from '@switchboard/db';
import type { FlowDocument, Requirement } from '@switchboard/flow';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Reference = { nodeId: string; field: string; kind: 'agent' | 'team' | 'channel'; id: string; list: boolean };

/** Every workspace-specific id a flow's nodes point at: agents, teams, channels. */
function referencesOf(doc: FlowDocument): Reference[] {
  const found: Reference[] = [];
  for (const node of doc.nodes) {
    const config = node.config as Record<string, unknown>;
    for (const [field, kind] of [
      ['userId', 'agent'],
      ['teamId', 'team'],
    ] as const) {
      const value = config[field];
      if (typeof value === 'string' && UUID.test(value)) found.push({ nodeId: node.id, field, kind, id: value, list: false });
    }
    if (Array.isArray(config.channels)) {
      for (const value of config.channels) {
        if (typeof value === 'string' && UUID.test(value))
          found.push({ nodeId: node.id, field: 'channels', kind: 'channel', id: value, list: true });
      }
    }
  }
  return found;
}

const labels = { agent: 'Choose the person to assign to', team: 'Choose the team', channel: 'Choose the channel' } as const;

/**
 * Imported flows may name another workspace's agents, teams or channels. Ids that exist
 * here are kept (an export re-imported into its own workspace is unchanged); the others
 * are cleared and listed in the `requires` checklist, never silently pointed elsewhere.
 */
export async function remapReferences(
  db: Executor,
  workspaceId: string,
  doc: FlowDocument,
): Promise<{ definition: FlowDocument; requires: Requirement[] }> {
  const refs = referencesOf(doc);
  if (!refs.length) return { definition: doc, requires: [] };
  const known = await knownIds(db, workspaceId, refs);
  const missing = refs.filter((r) => !known.has(r.id));
  if (!missing.length) return { definition: doc, requires: [] };
  const nodes = doc.nodes.map((node) => {
    const mine = missing.filter((r) => r.nodeId === node.id);
    if (!mine.length) return node;
    const config = { ...(node.config as Record<string, unknown>) };
    for (const ref of mine) {
      if (ref.list) config.channels = (config.channels as string[]).filter((c) => c !== ref.id);
      else delete config[ref.field];
    }
    return { ...node, config };
  });
  const requires = missing.map((r) => ({
    kind: r.kind,
    nodeId: r.nodeId,
    field: r.field,
    label: `${labels[r.kind]}: the file named one from another workspace`,
  }));
  return { definition: { ...doc, nodes }, requires: dedupe(requires) };
}

/**
 * The agents, teams and channels a flow names that are not this workspace's: publishing refuses
 * them (a draft saved through the API may hold any id), so a run never assigns a conversation to
 * another tenant's person or team.
 */
export async function foreignReferences(
  db: Executor,
  workspaceId: string,
  doc: FlowDocument,
): Promise<{ nodeId: string; field: string; message: string }[]> {
  const what = { agent: 'a member', team: 'a team', channel: 'a channel' } as const;
  const issue = (nodeId: string, field: string, kind: Reference['kind'], id: string) => ({
    nodeId,
    field,
    message: `Node ${nodeId}: ${field} ${JSON.stringify(id.slice(0, 60))} is not ${what[kind]} of this workspace`,
  });
  // Ids that are not even uuids can name nobody here.
  const malformed = doc.nodes.flatMap((node) =>
    (['userId', 'teamId'] as const).flatMap((field) => {
      const value = (node.config as Record<string, unknown>)[field];
      return typeof value === 'string' && value !== '' && !UUID.test(value)
        ? [issue(node.id, field, field === 'userId' ? 'agent' : 'team', value)]
        : [];
    }),
  );
  const refs = referencesOf(doc);
  const known = refs.length ? await knownIds(db, workspaceId, refs) : new Set<string>();
  return [...malformed, ...refs.filter((r) => !known.has(r.id)).map((r) => issue(r.nodeId, r.field, r.kind, r.id))];
}

/** Which of the referenced ids exist in the workspace (deleted channels do not). */
async function knownIds(db: Executor, workspaceId: string, refs: Reference[]): Promise<Set<string>> {
  const ids = (kind: Reference['kind']) => [...new Set(refs.filter((r) => r.kind === kind).map((r) => r.id))];
  const known = new Set<string>();
  const agentIds = ids('agent');
  const teamIds = ids('team');
  const channelIds = ids('channel');
  if (agentIds.length) {
    for (const r of await db
      .select({ id: memberships.userId })
      .from(memberships)
      .where(and(eq(memberships.workspaceId, workspaceId), inArray(memberships.userId, agentIds))))
      known.add(r.id);
  }
  if (teamIds.length) {
    for (const r of await db
      .select({ id: teams.id })
      .from(teams)
      .where(and(eq(teams.workspaceId, workspaceId), inArray(teams.id, teamIds))))
      known.add(r.id);
  }
  if (channelIds.length) {
    for (const r of await db
      .select({ id: channels.id })
      .from(channels)
      .where(and(eq(channels.workspaceId, workspaceId), isNull(channels.deletedAt), inArray(channels.id, channelIds))))
      known.add(r.id);
  }
  return known;
}

function dedupe(items: Requirement[]): Requirement[] {
  const seen = new Set<string>();
  return items.filter((r) => {
    const key = `${r.nodeId}|${r.field}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
