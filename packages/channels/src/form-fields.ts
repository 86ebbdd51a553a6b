/**
 * The connect form of a channel, derived from its facts and its zod config: the form hints give
 * the words, the schema gives the kind of input and whether it may stay empty, the secret fields
 * say which inputs are masked. Browser-safe: zod only.
 */
import type { z } from 'zod';
import type { ChannelFacts } from './facts';

export interface FormField {
  /** Config path; `smtp.host` is `host` inside the `smtp` object. */
  key: string;
  label: string;
  help?: string;
  placeholder?: string;
  kind: 'text' | 'number' | 'switch' | 'select';
  options?: readonly string[];
  secret: boolean;
  optional: boolean;
}

type Schema = z.ZodType & { def: { type: string }; shape?: Record<string, Schema>; unwrap?: () => Schema; options?: readonly string[] };

/** The schema of one config path, and whether any step of the way may be left out. */
function leafOf(config: z.ZodType, path: string[]): { schema: Schema; optional: boolean } | null {
  let schema = config as Schema;
  let optional = false;
  for (const key of path) {
    while (schema.def.type === 'optional' && schema.unwrap) {
      optional = true;
      schema = schema.unwrap();
    }
    const next = schema.shape?.[key];
    if (!next) return null;
    schema = next;
  }
  while (schema.def.type === 'optional' && schema.unwrap) {
    optional = true;
    schema = schema.unwrap();
  }
  return { schema, optional };
}

function kindOf(schema: Schema): FormField['kind'] {
  if (schema.def.type === 'number') return 'number';
  if (schema.def.type === 'boolean') return 'switch';
  if (schema.def.type === 'enum') return 'select';
  return 'text';
}

/** The fields of a channel's connect form, in order. A hint for a path the schema lacks is skipped. */
export function formFieldsOf(facts: ChannelFacts): FormField[] {
  const secrets = new Set<string>(facts.secretFields);
  const fields: FormField[] = [];
  for (const [key, hint] of Object.entries(facts.form)) {
    const path = key.split('.');
    const leaf = leafOf(facts.config, path);
    if (!leaf) continue;
    const kind = kindOf(leaf.schema);
    fields.push({
      key,
      ...hint,
      kind,
      ...(kind === 'select' && leaf.schema.options ? { options: leaf.schema.options } : {}),
      secret: secrets.has(path[0] as string),
      optional: leaf.optional,
    });
  }
  return fields;
}

/**
 * The config a filled-in form stands for: empty inputs left out, numbers and switches typed,
 * dotted keys nested (`smtp.host` → `{ smtp: { host } }`).
 */
export function configFromForm(facts: ChannelFacts, values: Readonly<Record<string, string | boolean>>): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const field of formFieldsOf(facts)) {
    const raw = values[field.key];
    if (raw === undefined || (typeof raw === 'string' && raw.trim() === '')) continue;
    const value =
      field.kind === 'number'
        ? Number(raw)
        : field.kind === 'switch'
          ? raw === true || raw === 'true'
          : typeof raw === 'string'
            ? raw.trim()
            : raw;
    setPath(config, field.key.split('.'), value);
  }
  // A switch left untouched inside settings the owner did fill in means "off", not "missing".
  for (const field of formFieldsOf(facts)) {
    const path = field.key.split('.');
    if (field.kind !== 'switch' || path.length < 2 || values[field.key] !== undefined) continue;
    const parent = path.slice(0, -1).reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], config);
    if (parent && typeof parent === 'object') setPath(config, path, false);
  }
  return config;
}

function setPath(config: Record<string, unknown>, path: string[], value: unknown): void {
  let target = config;
  for (const key of path.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
  target[path[path.length - 1] as string] = value;
}
