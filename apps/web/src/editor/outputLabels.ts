import type { NodeDefinition } from '../flow';

type Case = { id?: unknown; operator?: unknown; values?: unknown };

const quoted = (values: string[]) => {
  const shown = values
    .slice(0, 3)
    .map((v) => `“${v}”`)
    .join(', ');
  return values.length > 3 ? `${shown} +${values.length - 3}` : shown;
};

/** A text-match branch named by what it matches: `Says “hours”, “open”`. */
export function caseLabel(c: Case): string | undefined {
  const values = Array.isArray(c.values) ? c.values.filter((v): v is string => typeof v === 'string' && v.trim() !== '') : [];
  if (!values.length) return undefined;
  switch (c.operator) {
    case 'exact':
      return `Is ${quoted(values)}`;
    case 'starts_with':
      return `Starts with ${quoted(values)}`;
    case 'regex':
      return values.length === 1 ? 'Matches a pattern' : `Matches ${values.length} patterns`;
    default:
      return `Says ${quoted(values)}`;
  }
}

/** The words under an output dot: the definition's label, or for branches what they match. */
export function outputLabel(def: NodeDefinition, config: Record<string, unknown>, output: string): string {
  const fixed = def.outputLabels?.[output];
  if (fixed) return fixed;
  const cases = Array.isArray(config.cases) ? (config.cases as Case[]) : [];
  const index = cases.findIndex((c) => c.id === output);
  if (index >= 0) return caseLabel(cases[index]!) ?? `Branch ${index + 1} (add words)`;
  return output.replace(/_/g, ' ');
}
