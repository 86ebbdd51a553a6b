/** What an AI agent carries from one of its steps to the next (the run's node state). */
import type { AiChatMessage, AiToolCall } from '../../types';

export interface AgentState {
  /** The conversation with the model so far, after the system prompt (rebuilt at every call). */
  transcript: AiChatMessage[];
  /** Tool calls the model asked for and that have not run yet, in order. */
  pending: AiToolCall[];
  /** Declared tools run so far, against maxToolCalls. */
  toolCalls: number;
  /** Failed calls per tool name: a second failure hands off. */
  failures: Record<string, number>;
  /** The call the customer was asked to confirm; their next message answers it. */
  confirming?: AiToolCall;
  /** The call the customer said yes to: only this exact call (name and arguments) may run. */
  confirmed?: AiToolCall;
}

const isCall = (v: unknown): v is AiToolCall =>
  !!v &&
  typeof v === 'object' &&
  typeof (v as AiToolCall).id === 'string' &&
  typeof (v as AiToolCall).name === 'string' &&
  typeof (v as AiToolCall).arguments === 'string';

/** The state saved by an earlier step, or undefined when the agent starts (or the state is not one of ours). */
export function readState(nodeState: Record<string, unknown> | undefined): AgentState | undefined {
  if (!nodeState || !Array.isArray(nodeState.transcript) || !Array.isArray(nodeState.pending)) return undefined;
  const failures = nodeState.failures && typeof nodeState.failures === 'object' ? (nodeState.failures as Record<string, number>) : {};
  return {
    transcript: nodeState.transcript as AiChatMessage[],
    pending: nodeState.pending.filter(isCall),
    toolCalls: typeof nodeState.toolCalls === 'number' ? nodeState.toolCalls : 0,
    failures,
    ...(isCall(nodeState.confirming) ? { confirming: nodeState.confirming } : {}),
    ...(isCall(nodeState.confirmed) ? { confirmed: nodeState.confirmed } : {}),
  };
}

/** The most messages of the conversation with the model a run keeps; older turns are dropped. */
export const MAX_TRANSCRIPT = 60;

/**
 * The transcript cut to about MAX_TRANSCRIPT messages at a customer's message, so no tool result
 * is left without the call it answers (the protocol refuses that).
 */
export function trimTranscript(transcript: AiChatMessage[]): AiChatMessage[] {
  if (transcript.length <= MAX_TRANSCRIPT) return transcript;
  const from = transcript.findIndex((m, i) => i >= transcript.length - MAX_TRANSCRIPT && m.role === 'user');
  return from > 0 ? transcript.slice(from) : transcript;
}

/** The state as the run stores it: plain JSON, without empty optional parts. */
export function saveState(state: AgentState): Record<string, unknown> {
  const { confirming, confirmed, transcript, ...rest } = state;
  return { ...rest, transcript: trimTranscript(transcript), ...(confirming ? { confirming } : {}), ...(confirmed ? { confirmed } : {}) };
}

export const sameCall = (a: AiToolCall | undefined, b: AiToolCall): boolean =>
  !!a && a.id === b.id && a.name === b.name && a.arguments === b.arguments;
