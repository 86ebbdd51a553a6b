/**
 * `{{ secrets.<name> }}` is filled in only where a step calls out (an HTTP request's address,
 * headers and body; a CRM webhook's address and headers), so a credential can never reach a customer's message, a note or a contact
 * attribute. Anywhere else it renders empty; the owner is told so here.
 */
import { getDefinition } from '../definitions';
import type { FlowNodeEnvelope } from '../document';
import type { Issue } from '../issues';
import { secretRefs, secretUseProblem } from '../secrets';

function strings(value: unknown, path: string, out: [string, string][]): [string, string][] {
  if (typeof value === 'string') out.push([path, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => strings(v, path ? `${path}.${i}` : String(i), out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) strings(v, path ? `${path}.${k}` : k, out);
  return out;
}

/** Warnings for credentials read in fields that never see them. */
export function secretWarnings(nodes: Map<string, FlowNodeEnvelope>, configs: Map<string, Record<string, unknown>>): Issue[] {
  const issues: Issue[] = [];
  for (const [id, config] of configs) {
    const outbound = getDefinition(nodes.get(id)?.type ?? '')?.credentialFields;
    for (const [field, text] of strings(config, '', [])) {
      const names = secretRefs(text);
      if (!names.length || outbound?.(field)) continue;
      issues.push({
        nodeId: id,
        field,
        code: 'secret_not_available',
        message: `{{ secrets.${names[0]} }} stays empty here: credentials are filled in only where a step calls out (an HTTP request's address, headers and body; a CRM webhook's address and headers), never in text people read.`,
      });
    }
  }
  return issues;
}

/**
 * Errors for credentials used other than as a bare `{{ secrets.name }}` (a filter, a tag, a filter
 * argument), in any field: a changed copy of a credential would not be masked where people read
 * it, so such a flow cannot be published and the step fails if it runs.
 */
export function secretUseErrors(configs: Map<string, Record<string, unknown>>): Issue[] {
  const issues: Issue[] = [];
  for (const [id, config] of configs) {
    for (const [field, text] of strings(config, '', [])) {
      const problem = secretUseProblem(text);
      if (problem) issues.push({ nodeId: id, field, code: 'secret_filtered', message: problem });
    }
  }
  return issues;
}
