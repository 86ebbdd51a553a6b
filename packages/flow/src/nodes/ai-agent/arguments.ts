/** The model's arguments for a tool, checked against the tool's declared parameters. */
import type { ToolParameters } from './definition';

export type Args = Record<string, string | number | boolean>;

/**
 * Parses and checks `text` (the model's JSON): required arguments present, each of its declared
 * type and among its allowed values. Undeclared arguments are dropped, so nothing the owner did not
 * name reaches a request. A problem comes back as words the model can act on.
 */
export function checkArguments(parameters: ToolParameters, text: string): { args: Args } | { problem: string } {
  let parsed: unknown;
  try {
    parsed = text.trim() ? JSON.parse(text) : {};
  } catch {
    return { problem: 'The arguments are not valid JSON.' };
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { problem: 'The arguments must be a JSON object.' };
  const given = parsed as Record<string, unknown>;
  const args: Args = {};
  // Required arguments first, in their listed order: a stored document (jsonb) keeps no key order.
  const names = [...new Set([...(parameters.required ?? []), ...Object.keys(parameters.properties)])];
  for (const name of names) {
    const spec = parameters.properties[name];
    if (!spec) continue;
    const value = given[name];
    if (value === undefined || value === null || value === '') continue;
    const ok =
      spec.type === 'string'
        ? typeof value === 'string'
        : spec.type === 'boolean'
          ? typeof value === 'boolean'
          : spec.type === 'integer'
            ? Number.isInteger(value)
            : typeof value === 'number' && Number.isFinite(value);
    if (!ok) return { problem: `"${name}" must be a ${spec.type}.` };
    if (spec.enum?.length && !spec.enum.includes(String(value))) return { problem: `"${name}" must be one of: ${spec.enum.join(', ')}.` };
    args[name] = value as string | number | boolean;
  }
  const missing = (parameters.required ?? []).filter((name) => !(name in args));
  if (missing.length) return { problem: `Missing required argument${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}.` };
  return { args };
}
