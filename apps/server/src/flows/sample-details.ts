/**
 * Sample details a draft still holds: the template placeholders (prices, delivery terms) whose
 * field still equals the value the template shipped with. Worked out from the draft and the
 * template library, so it holds for a flow imported from a template, from an export of one, or
 * edited through the API, with nothing extra stored on the flow.
 */
import { placeholdersLeft, type Requirement } from '@switchboard/flow';
import { DomainError } from '../domain-errors';
import { loadTemplates } from './template-library';

export type SampleLeft = { nodeId: string; field: string; label: string };

/** The placeholders `draft` still holds, once each. */
export function sampleDetailsLeft(draft: unknown): SampleLeft[] {
  const nodes = (draft as { nodes?: unknown })?.nodes;
  if (!Array.isArray(nodes)) return [];
  const safe = nodes.filter(
    (n): n is { id: string; config?: Record<string, unknown> } =>
      !!n && typeof n === 'object' && typeof (n as { id?: unknown }).id === 'string',
  );
  const seen = new Set<string>();
  const left: SampleLeft[] = [];
  for (const template of loadTemplates()) {
    for (const r of placeholdersLeft(safe, template.requires as Requirement[])) {
      const key = `${r.nodeId}\u0000${r.field}`;
      if (seen.has(key)) continue;
      seen.add(key);
      left.push({ nodeId: r.nodeId!, field: r.field!, label: r.label });
    }
  }
  return left;
}

/** The refusal of a publish that would put sample details live (the owner may publish anyway). */
export function sampleDetailsError(left: SampleLeft[]): DomainError {
  const things = left.length === 1 ? 'one thing' : `${left.length} things`;
  return new DomainError(
    'sample_details_left',
    `This flow still has the template's sample details in ${things}: ${left.map((l) => l.label.replace(/\.$/, '')).join('; ')}. Change them, or publish anyway.`,
    { placeholders: left },
  );
}
