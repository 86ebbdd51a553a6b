import type { AiToolCall, Effect, HandlerContext, NodeHandler, StepResult } from '../../types';
import { AI_NOT_CONNECTED, AiNotConnectedError } from '../ai-reply/not-connected';
import { branch } from '../result';
import { checkArguments } from './arguments';
import { confirmationQuestion, isYes } from './confirm';
import { DEFAULT_AGENT_TIMEOUT_MINUTES, DEFAULT_MAX_TOOL_CALLS, type AiAgentConfig } from './definition';
import { openingTranscript, systemPrompt, toolsForModel } from './prompt';
import { runTool } from './run-tool';
import { readState, sameCall, saveState, type AgentState } from './state';

/** A tool failing this many times hands the conversation to people. */
const MAX_FAILURES_PER_TOOL = 2;

/**
 * An AI agent working the customer's problem with the owner's tools. Each pass is one step of the
 * run: a model call, or one tool call (`repeat` runs the node again with the new state), so every
 * tool call is committed, with its effects, before the next starts, and shows in run history. It
 * ends only by the model calling `resolve` or `handoff`, or by a limit (tool calls, a tool failing
 * twice, a silent customer), which hands off. Nothing it returns holds a credential's value.
 */
export const aiAgent: NodeHandler<AiAgentConfig> = async (config, ctx) => {
  const result = await decide(config, ctx);
  return ctx.services.credentials ? ctx.services.credentials.redact(result) : result;
};

async function decide(config: AiAgentConfig, ctx: HandlerContext): Promise<StepResult> {
  let state = readState(ctx.nodeState) ?? { transcript: openingTranscript(ctx.data), pending: [], toolCalls: 0, failures: {} };
  if (ctx.resume) {
    if (ctx.resume.kind !== 'reply') return handOff('the customer did not answer in time');
    const text = ctx.resume.message.quickReply ?? ctx.resume.message.text;
    const asked = state.confirming;
    if (asked && isYes(text)) {
      // Only the customer's own message gets here: nothing a tool returned can confirm a call.
      state = { ...state, confirming: undefined, confirmed: asked };
      return again(state, [], { confirmation: { tool: asked.name, arguments: asked.arguments, answer: 'yes' } });
    }
    // Every call the model asked for gets its answer before the customer's message, as the protocol wants.
    const skipped = asked
      ? state.pending.map((c) => ({
          role: 'tool' as const,
          toolCallId: c.id,
          content: c.id === asked.id ? 'Not run: the customer did not confirm.' : 'Not run.',
        }))
      : [];
    state = {
      ...state,
      confirming: undefined,
      pending: [],
      transcript: [...state.transcript, ...skipped, { role: 'user', content: text }],
    };
  }
  return state.pending.length ? act(config, ctx, state) : think(config, ctx, state);
}

/** Asks the model what to do next: say something and wait, or call tools. */
async function think(config: AiAgentConfig, ctx: HandlerContext, state: AgentState): Promise<StepResult> {
  const maxCalls = config.maxToolCalls ?? DEFAULT_MAX_TOOL_CALLS;
  if (state.toolCalls >= maxCalls) return handOff(`reached the limit of ${maxCalls} tool calls`);
  if (!ctx.services.aiChat) return handOff(AI_NOT_CONNECTED);
  // What the customer wrote while the agent worked (a tool call in flight) is in this call too.
  const heard = ctx.step && ctx.services.hearCustomer ? await ctx.services.hearCustomer(ctx.step) : [];
  if (heard.length)
    state = { ...state, transcript: [...state.transcript, ...heard.map((m) => ({ role: 'user' as const, content: m.text }))] };
  const saw = heard.length ? { heard: heard.map((m) => m.text) } : {};
  // Run history still shows what was heard when the call then fails and the agent hands off.
  const giveUp = (log: string): StepResult => ({ ...handOff(log), ...(heard.length ? { detail: saw } : {}) });
  const knowledge = config.useKnowledge === false ? null : await ctx.services.knowledge();
  let answer;
  try {
    const system = await systemPrompt(ctx.data, config.instructions, knowledge, state.transcript);
    answer = await ctx.services.aiChat({ messages: [system, ...state.transcript], tools: toolsForModel(config.tools) });
  } catch (err) {
    if (err instanceof AiNotConnectedError) return giveUp(err.message);
    return giveUp(`AI unavailable: ${err instanceof Error ? err.message : String(err)}`);
  }
  const text = answer.content?.trim() ?? '';
  const said: Effect[] = text ? [{ type: 'send_message', text }] : [];
  if (!answer.toolCalls.length) {
    if (!text) return giveUp('the model answered nothing');
    const waiting = { ...state, transcript: [...state.transcript, { role: 'assistant' as const, content: text }] };
    return {
      effects: said,
      wait: { kind: 'reply', timeoutMinutes: config.timeoutMinutes ?? DEFAULT_AGENT_TIMEOUT_MINUTES, nodeState: saveState(waiting) },
      detail: { ...saw, said: text },
    };
  }
  const calls = answer.toolCalls;
  state = { ...state, pending: calls, transcript: [...state.transcript, { role: 'assistant', content: text || null, toolCalls: calls }] };
  return again(state, said, { ...saw, asked: calls.map((c) => ({ tool: c.name, arguments: c.arguments })) });
}

/** Runs the first pending call: a built-in that ends the run, or one declared tool. */
async function act(config: AiAgentConfig, ctx: HandlerContext, state: AgentState): Promise<StepResult> {
  const call = state.pending[0]!;
  const shown = { tool: call.name, arguments: parsedOrText(call.arguments) };
  if (call.name === 'resolve' || call.name === 'handoff') {
    const args = parsedOrText(call.arguments) as { message?: unknown; reason?: unknown };
    const message = typeof args?.message === 'string' && args.message.trim() ? args.message.trim() : undefined;
    const said: Effect[] = message ? [{ type: 'send_message', text: message }] : [];
    if (call.name === 'resolve') return branch('resolved', said, { detail: shown, log: 'the agent resolved the conversation' });
    return branch('handoff', [...said, { type: 'handoff' }], {
      detail: shown,
      log: `the agent handed off${typeof args?.reason === 'string' ? `: ${args.reason}` : ''}`,
    });
  }

  const index = config.tools.findIndex((t) => t.name === call.name);
  const tool = config.tools[index];
  const checked = tool
    ? checkArguments(tool.parameters, call.arguments)
    : { problem: `There is no tool named "${call.name}". Use only the tools you were given.` };
  // A refused call counts too: a model calling what does not exist cannot loop for ever.
  if ('problem' in checked)
    return answered({ ...state, toolCalls: state.toolCalls + 1 }, call, { ok: false, content: checked.problem, effects: [] }, shown);
  if (tool!.confirm && !sameCall(state.confirmed, call)) {
    const asking = { ...state, confirming: call, confirmed: undefined };
    const question: Effect = { type: 'send_message', text: confirmationQuestion(tool!, checked.args), quickReplies: ['Yes', 'No'] };
    return {
      effects: [question],
      wait: { kind: 'reply', timeoutMinutes: config.timeoutMinutes ?? DEFAULT_AGENT_TIMEOUT_MINUTES, nodeState: saveState(asking) },
      detail: { ...shown, confirming: true },
    };
  }
  const outcome = await runTool(tool!, index, checked.args, ctx);
  if ('failed' in outcome) return outcome.failed;
  const counted = { ...state, toolCalls: state.toolCalls + 1 };
  if (outcome.handedOff)
    return branch('handoff', outcome.effects, {
      detail: { ...shown, arguments: checked.args, result: outcome.content },
      log: `the tool "${call.name}" handed off`,
    });
  return answered(counted, call, outcome, { ...shown, arguments: checked.args });
}

/** Records a tool's answer for the model and goes on; a tool failing twice hands off. */
function answered(
  state: AgentState,
  call: AiToolCall,
  outcome: { ok: boolean; content: string; effects: Effect[] },
  shown: Record<string, unknown>,
): StepResult {
  const failures = outcome.ok ? state.failures : { ...state.failures, [call.name]: (state.failures[call.name] ?? 0) + 1 };
  const detail = { ...shown, ok: outcome.ok, result: outcome.content };
  if ((failures[call.name] ?? 0) >= MAX_FAILURES_PER_TOOL)
    return branch('handoff', [...outcome.effects, { type: 'handoff' }], { detail, log: `the tool "${call.name}" failed twice` });
  const next: AgentState = {
    ...state,
    failures,
    confirmed: undefined,
    pending: state.pending.slice(1),
    transcript: [...state.transcript, { role: 'tool', toolCallId: call.id, content: outcome.content }],
  };
  return again(next, outcome.effects, detail);
}

function again(state: AgentState, effects: Effect[], detail: Record<string, unknown>): StepResult {
  return { effects, repeat: { nodeState: saveState(state) }, detail };
}

function handOff(log: string): StepResult {
  return branch('handoff', [{ type: 'handoff' }], { log });
}

function parsedOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
