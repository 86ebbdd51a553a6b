import {
  CURRENT_SCHEMA_VERSION,
  documentVersion,
  FlowTemplate,
  migrateDocument,
  validateFlow,
  type FlowDocument,
  type Requirement,
} from '@switchboard/flow';
import type { Executor } from '@switchboard/db';
import { listCredentials } from '../services/credentials';
import { credentialRefs, missingCredentials, replaceLiteralSecrets, suggestName } from './literal-secrets';
import type { WorkflowRow } from './workflow-store';

type ImportIssue = { nodeId?: string; field?: string; message: string; code: string };
export type ImportResult =
  | { ok: true; name: string; description?: string; definition: FlowDocument; requires: Requirement[] }
  | { ok: false; message: string; errors: ImportIssue[] };

// Problems that make a file unusable, as opposed to settings the owner fills in after import.
const STRUCTURAL = new Set([
  'unknown_node_type',
  'dangling_edge',
  'duplicate_node_id',
  'duplicate_edge_id',
  'no_trigger',
  'multiple_triggers',
  'invalid_document',
  'edge_into_trigger',
  'unknown_output',
]);

/**
 * Turns a flow file into a draft: migrates older schema versions forward, checks the
 * envelope and the graph, and reports every problem at once. Nothing is stored unless the
 * whole file is usable; node settings left empty become the `requires` checklist.
 */
export function importDocument(raw: unknown): ImportResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return {
      ok: false,
      message: 'This is not a flow file: expected a JSON object with nodes and edges.',
      errors: [{ message: 'Expected a JSON object', code: 'schema' }],
    };
  }
  const version = documentVersion(raw);
  if (version > CURRENT_SCHEMA_VERSION) {
    const message = `This file was made by a newer Switchboard (flow format ${version}; this one reads up to ${CURRENT_SCHEMA_VERSION}). Update Switchboard, then import it again.`;
    return { ok: false, message, errors: [{ field: 'schemaVersion', message, code: 'schema_version' }] };
  }
  const parsed = FlowTemplate.safeParse(migrateDocument(raw));
  if (!parsed.success) {
    const errors = parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message, code: 'schema' }));
    return {
      ok: false,
      message: `This flow file has ${errors.length} problem(s): ${errors[0]!.field ? `${errors[0]!.field}: ` : ''}${errors[0]!.message}`,
      errors,
    };
  }
  const { name, description, requires, schemaVersion, nodes, edges } = parsed.data;
  const definition: FlowDocument = { schemaVersion, nodes, edges };
  const validation = validateFlow(definition);
  const structural = validation.errors.filter((e) => STRUCTURAL.has(e.code));
  if (structural.length) {
    return {
      ok: false,
      message: `This flow file cannot be imported: ${structural[0]!.message}${structural.length > 1 ? ` (and ${structural.length - 1} more)` : ''}`,
      errors: structural,
    };
  }
  const checklist: Requirement[] = [...(requires ?? [])];
  for (const issue of validation.errors) {
    if (checklist.some((r) => r.nodeId === issue.nodeId && r.field === issue.field)) continue;
    checklist.push({
      kind: 'setting',
      ...(issue.nodeId ? { nodeId: issue.nodeId } : {}),
      ...(issue.field ? { field: issue.field } : {}),
      label: issue.message,
    });
  }
  return { ok: true, name, ...(description ? { description } : {}), definition, requires: checklist };
}

/**
 * The flow as a file: the draft plus its name and what an importer must fill in. No secrets:
 * headers and URL parameters with typed-in secrets become `{{ secrets.<name> }}` placeholders,
 * and every credential the flow reads is on the checklist.
 */
export function exportWorkflow(row: WorkflowRow): FlowTemplate {
  const draft = row.draft as unknown as FlowDocument;
  const requires: Requirement[] = [];
  const refs = credentialRefs(draft);
  const taken = new Set(refs.keys());
  const names = new Map<string, string>();
  const { doc, found } = replaceLiteralSecrets(draft, (hit) => {
    const name = names.get(hit.value) ?? suggestName(hit.host, taken);
    names.set(hit.value, name);
    return `{{ secrets.${name} }}`;
  });
  const nodes = doc.nodes ?? [];
  for (const [name, at] of credentialRefs(doc)) {
    const hit = found.find((f) => names.get(f.value) === name);
    const where = hit ?? at;
    requires.push({
      kind: 'credential',
      nodeId: where.nodeId,
      field: where.field,
      label: `Add the credential "${name}" in Settings → Credentials${hit?.host ? ` (sent to ${hit.host})` : ''}`,
    });
  }
  const slug =
    row.name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'flow';
  return {
    schemaVersion: draft.schemaVersion ?? 1,
    name: row.name,
    ...(row.description ? { description: row.description } : {}),
    slug,
    requires,
    nodes,
    edges: draft.edges ?? [],
  } as FlowTemplate;
}

/** `requires` with the file's credential entries replaced by the credentials this workspace lacks. */
export async function withCredentialChecklist(
  db: Executor,
  workspaceId: string,
  definition: FlowDocument,
  requires: Requirement[],
): Promise<Requirement[]> {
  const have = (await listCredentials(db, workspaceId)).map((c) => c.name);
  return [...requires.filter((r) => r.kind !== 'credential'), ...missingCredentials(definition, have)];
}
