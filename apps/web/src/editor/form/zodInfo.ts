/**
 * Reads a zod v4 schema the way the inspector needs it: what kind of input to draw, its
 * label, whether it may be left empty, its choices. Only `_zod.def` and `.description`
 * are used, both public in zod 4.
 */

export type Schema = { _zod: { def: Def }; description?: string; safeParse?: (v: unknown) => unknown };
interface Def {
  type: string;
  innerType?: Schema;
  shape?: Record<string, Schema>;
  entries?: Record<string, string | number>;
  values?: unknown[];
  element?: Schema;
  options?: Schema[];
  discriminator?: string;
  keyType?: Schema;
  valueType?: Schema;
  in?: Schema;
  out?: Schema;
  defaultValue?: unknown;
  checks?: { _zod: { def: { check: string; value?: number; inclusive?: boolean } } }[];
}

export type FieldInfo =
  | { kind: 'string' }
  | { kind: 'number'; min?: number; max?: number; integer: boolean }
  | { kind: 'boolean' }
  | { kind: 'enum'; options: string[] }
  | { kind: 'list'; item: Schema }
  | { kind: 'object'; shape: Record<string, Schema> }
  | { kind: 'variant'; discriminator: string; options: { value: string; shape: Record<string, Schema> }[] }
  | { kind: 'record' }
  | { kind: 'mixed' }
  | { kind: 'unknown' };

export interface Unwrapped {
  schema: Schema;
  optional: boolean;
  description?: string;
  defaultValue?: unknown;
}

/** Peels optional/default/nullable/pipe wrappers, keeping the outermost description. */
export function unwrap(schema: Schema): Unwrapped {
  let current = schema;
  let optional = false;
  let description = schema.description;
  let defaultValue: unknown;
  for (let i = 0; i < 10; i++) {
    const def = current._zod.def;
    if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default' || def.type === 'prefault') {
      optional = true;
      if (def.type === 'default') defaultValue = def.defaultValue;
      current = def.innerType!;
    } else if (def.type === 'pipe') {
      current = def.in!;
    } else break;
    description ??= current.description;
  }
  return { schema: current, optional, description: description ?? current.description, defaultValue };
}

export function fieldInfo(schema: Schema): FieldInfo {
  const def = schema._zod.def;
  switch (def.type) {
    case 'string':
      return { kind: 'string' };
    case 'number':
    case 'int': {
      let min: number | undefined;
      let max: number | undefined;
      let integer = false;
      for (const check of def.checks ?? []) {
        const c = check._zod.def;
        if (c.check === 'greater_than') min = c.value;
        if (c.check === 'less_than') max = c.value;
        if (c.check === 'number_format') integer = true;
      }
      const s = schema as unknown as { minValue?: number | null; maxValue?: number | null; isInt?: boolean };
      return { kind: 'number', min: s.minValue ?? min, max: s.maxValue ?? max, integer: integer || !!s.isInt };
    }
    case 'boolean':
      return { kind: 'boolean' };
    case 'enum':
      return { kind: 'enum', options: Object.values(def.entries ?? {}).map(String) };
    case 'literal':
      return { kind: 'enum', options: (def.values ?? []).map(String) };
    case 'array':
      return { kind: 'list', item: unwrap(def.element!).schema };
    case 'object':
      return { kind: 'object', shape: def.shape ?? {} };
    case 'record':
      return { kind: 'record' };
    case 'union': {
      if (def.discriminator) {
        const key = def.discriminator;
        const options = (def.options ?? []).map((o) => {
          const shape = o._zod.def.shape ?? {};
          const lit = shape[key] ? fieldInfo(unwrap(shape[key]!).schema) : undefined;
          return { value: lit && lit.kind === 'enum' ? lit.options[0]! : '', shape };
        });
        return { kind: 'variant', discriminator: key, options };
      }
      return { kind: 'mixed' };
    }
    default:
      return { kind: 'unknown' };
  }
}

/** `contains_any` -> "Contains any", `maxAttempts` -> "Max attempts". */
export function humanize(key: string): string {
  const words = key
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_.-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A blank value for a new list item or a newly revealed field. */
export function blankValue(schema: Schema): unknown {
  const info = fieldInfo(unwrap(schema).schema);
  switch (info.kind) {
    case 'string':
      return '';
    case 'number':
      return info.min ?? 0;
    case 'boolean':
      return false;
    case 'enum':
      return info.options[0];
    case 'list':
      return [];
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(info.shape)) if (!unwrap(child).optional) out[key] = blankValue(child);
      return out;
    }
    default:
      return undefined;
  }
}
