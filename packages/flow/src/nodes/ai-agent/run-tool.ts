/** Runs one declared tool: its HTTP request, or the built-in action it names. */
import { CredentialHostError } from '../../secrets';
import type { Effect, HandlerContext, HttpResponse, StepResult } from '../../types';
import { addTag } from '../add-tag/handler';
import { assign } from '../assign/handler';
import { handoff } from '../handoff/handler';
import { misconfigured } from '../result';
import { setAttribute } from '../set-attribute/handler';
import type { Args } from './arguments';
import type { AgentTool, ToolAction } from './definition';
import { renderToolRequest } from './request';

/** Tool results the model reads are cut to this many characters. */
export const MAX_TOOL_RESULT = 4000;

export interface ToolOutcome {
  ok: boolean;
  /** What the model reads (and run history shows): the status and the body, cut to size. */
  content: string;
  effects: Effect[];
  /** The action handed the conversation to people: the agent stops here. */
  handedOff?: boolean;
}

export function cutResult(text: string): string {
  return text.length > MAX_TOOL_RESULT ? `${text.slice(0, MAX_TOOL_RESULT)}… [cut: ${text.length} characters in all]` : text;
}

function bodyOf(res: HttpResponse): unknown {
  try {
    return /^\s*[[{]/.test(res.body) ? JSON.parse(res.body) : res.body;
  } catch {
    return res.body;
  }
}

/** Runs `tool` (at index `index` of the config) with checked `args`. A misconfiguration fails the step. */
export async function runTool(
  tool: AgentTool,
  index: number,
  args: Args,
  ctx: HandlerContext,
): Promise<ToolOutcome | { failed: StepResult }> {
  if (tool.action) return runAction(tool.action, args, ctx);
  const field = `tools.${index}.request`;
  const rendered = await renderToolRequest(ctx, tool.request!, args, field);
  if ('failed' in rendered) return rendered;
  if ('refused' in rendered) return { ok: false, content: rendered.refused, effects: [] };
  try {
    ctx.services.credentials?.release(rendered.req.url);
  } catch (err) {
    if (err instanceof CredentialHostError) return { failed: misconfigured(`${field}.url`, err.message) };
    throw err;
  }
  let res: HttpResponse;
  try {
    res = await ctx.services.http(rendered.req);
  } catch (err) {
    return { ok: false, content: `The call failed: ${err instanceof Error ? err.message : String(err)}`, effects: [] };
  }
  const ok = res.status >= 200 && res.status < 300;
  // Masked before the model or the run's history sees it: a server may echo a token back.
  const body = ctx.services.credentials ? ctx.services.credentials.redact(bodyOf(res)) : bodyOf(res);
  return { ok, content: cutResult(JSON.stringify({ status: res.status, body })), effects: [] };
}

/** The action's own step handler builds the effects, with `args` beside the flow data in its templates. */
async function runAction(action: ToolAction, args: Args, ctx: HandlerContext): Promise<ToolOutcome | { failed: StepResult }> {
  const withArgs: HandlerContext = {
    ...ctx,
    services: { ...ctx.services, render: (t, scope) => ctx.services.render(t, { args, ...scope }) },
  };
  const { type, ...config } = action;
  const result =
    type === 'add_tag'
      ? await addTag(config as Parameters<typeof addTag>[0], withArgs)
      : type === 'set_attribute'
        ? await setAttribute(config as Parameters<typeof setAttribute>[0], withArgs)
        : type === 'assign'
          ? await assign(config as Parameters<typeof assign>[0], withArgs)
          : await handoff(config as Parameters<typeof handoff>[0], withArgs);
  if (result.error) return { failed: result };
  return { ok: true, content: 'Done.', effects: result.effects, ...(type === 'handoff' ? { handedOff: true } : {}) };
}
