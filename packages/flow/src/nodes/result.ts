/** Small builders for handler results, and template rendering that turns a broken placeholder into a field error. */
import { TemplateError } from '../runtime/template';
import { markSecretOutputs, secretRefs, secretUseProblem } from '../secrets';
import type { Effect, HandlerContext, StepError, StepResult } from '../types';

export function next(effects: Effect[] = [], extra: Partial<StepResult> = {}): StepResult {
  return { effects, ...extra };
}

export function branch(output: string, effects: Effect[] = [], extra: Partial<StepResult> = {}): StepResult {
  return { output, effects, ...extra };
}

export function misconfigured(field: string | undefined, message: string): StepResult {
  const error: StepError = field === undefined ? { message } : { field, message };
  return { effects: [], error };
}

type RenderedValues<T> = { [K in keyof T]: T[K] extends string ? string : string | undefined };

/**
 * Renders every template field; a broken template is the owner's mistake, reported on its field.
 * Other failures (a passing fault in a service) propagate so the job retries. `scope` adds names
 * beside the flow data (see outboundScope).
 */
export async function renderAll<T extends Record<string, string | undefined>>(
  ctx: HandlerContext,
  fields: T,
  scope?: Record<string, unknown>,
): Promise<{ values: RenderedValues<T> } | { failed: StepResult }> {
  const values: Record<string, string | undefined> = {};
  for (const [key, template] of Object.entries(fields)) {
    if (template === undefined) continue;
    try {
      values[key] = scope ? await ctx.services.render(template, scope) : await ctx.services.render(template);
    } catch (err) {
      if (err instanceof TemplateError) return { failed: misconfigured(key, err.message) };
      throw err;
    }
  }
  return { values: values as RenderedValues<T> };
}

/** The extra template scope of an outbound call's fields: the workspace's credentials as `secrets`. */
export async function outboundScope(ctx: HandlerContext): Promise<Record<string, unknown>> {
  return { secrets: (await ctx.services.credentials?.scope()) ?? {} };
}

/**
 * renderAll for the fields of an outbound call, with `secrets` in scope. A field reading a
 * credential the workspace does not have is the owner's to fix: sending `Bearer ` with nothing
 * after it would only fail further away.
 */
export async function renderOutbound<T extends Record<string, string | undefined>>(
  ctx: HandlerContext,
  fields: T,
  /** More names beside the flow data, e.g. an AI agent tool's `args`. */
  extra: Record<string, unknown> = {},
): Promise<{ values: RenderedValues<T> } | { failed: StepResult }> {
  // Most calls read no credential: skip reading the workspace's credentials for them.
  if (!Object.values(fields).some((t) => t?.includes('secrets'))) return renderAll(ctx, fields, { ...extra, secrets: {} });
  const scope = await outboundScope(ctx);
  if (ctx.services.credentials) {
    const secrets = scope.secrets as Record<string, unknown>;
    for (const [key, template] of Object.entries(fields)) {
      const missing = template === undefined ? undefined : secretRefs(template).find((name) => !(name in secrets));
      if (missing)
        return {
          failed: misconfigured(
            key,
            `Add the credential "${missing}" in Settings → Credentials: this step reads {{ secrets.${missing} }}.`,
          ),
        };
    }
  }
  for (const [key, template] of Object.entries(fields)) {
    const problem = template === undefined ? null : secretUseProblem(template);
    if (problem) return { failed: misconfigured(key, problem) };
  }
  // Each bare `{{ secrets.name }}` becomes an unguessable mark, the template is rendered with no
  // credential in scope (no filter, tag or computed lookup can reach one), and the values are put
  // in place of the marks afterwards.
  const secrets = scope.secrets as Record<string, unknown>;
  const nonce = Array.from(globalThis.crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
  const names: string[] = [];
  const marked: Record<string, string | undefined> = {};
  for (const [key, template] of Object.entries(fields)) {
    marked[key] =
      template === undefined ? undefined : markSecretOutputs(template, (name) => `\u0000${nonce}:${names.push(name) - 1}\u0000`);
  }
  const r = await renderAll(ctx, marked, { ...extra, secrets: {} });
  if ('failed' in r) return r;
  const values: Record<string, string | undefined> = {};
  for (const [key, text] of Object.entries(r.values)) {
    try {
      values[key] = text
        ?.split(`\u0000${nonce}:`)
        .map((part, i) => {
          if (i === 0) return part;
          const end = part.indexOf('\u0000');
          const name = end < 0 ? undefined : names[Number(part.slice(0, end))];
          // A mark a filter changed is not put back: it stays as text that reads no credential.
          if (name === undefined) return `\u0000${nonce}:${part}`;
          return `${String(secrets[name] ?? '')}${part.slice(end + 1)}`;
        })
        .join('');
    } catch (err) {
      // A credential that cannot be unsealed: the owner enters it again (the message says so).
      return { failed: misconfigured(key, err instanceof Error ? err.message : String(err)) };
    }
  }
  return { values: values as RenderedValues<T> };
}
