/**
 * Template placeholders: fields that work as shipped but hold sample details (a bakery's prices,
 * its delivery terms). A placeholder is "left" while its field still equals the sample, so a
 * checklist never says "All set!" over somebody else's prices, and publishing can list what is left.
 */
import type { Requirement } from './document';

type NodeLike = { id: string; config?: Record<string, unknown> };

/** The value at a dotted `field` path of a node's config. */
export function configValue(config: Record<string, unknown> | undefined, field: string): unknown {
  let v: unknown = config;
  for (const k of field.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

/** Whether `value` is still the sample (compared as JSON: texts, lists of choices). */
export function isSample(value: unknown, sample: unknown): boolean {
  return sample !== undefined && JSON.stringify(value ?? null) === JSON.stringify(sample);
}

/** The placeholder requirements whose node is present and whose field still holds the sample. */
export function placeholdersLeft(nodes: readonly NodeLike[], requires: readonly Requirement[]): Requirement[] {
  return requires.filter((r) => {
    if (r.kind !== 'placeholder' || !r.nodeId || !r.field) return false;
    const node = nodes.find((n) => n.id === r.nodeId);
    return !!node && isSample(configValue(node.config, r.field), r.sample);
  });
}

/**
 * `requires` with the sample of each placeholder, and of each setting to check, taken from the
 * document's own node when it has none: a checklist then ticks such a line only once it changed
 * (or, for a setting, once the owner ticks it), never because the template filled it in.
 */
export function withSamples(nodes: readonly NodeLike[], requires: readonly Requirement[]): Requirement[] {
  return requires.map((r) => {
    if ((r.kind !== 'placeholder' && r.kind !== 'setting') || r.sample !== undefined || !r.nodeId || !r.field) return r;
    const node = nodes.find((n) => n.id === r.nodeId);
    const sample = node ? configValue(node.config, r.field) : undefined;
    return sample === undefined ? r : { ...r, sample };
  });
}
