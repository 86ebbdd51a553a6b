/**
 * A test run: the draft runs in memory against a pretend conversation, nothing leaves the
 * process unless the caller passes real services. Even then, steps that call other systems (HTTP
 * request, CRM push) answer with their sample response and send nothing, except a GET on a step
 * whose "Call for real" switch is on (sample-http.ts); AI steps do call the model, which is what
 * the owner is testing. Replies are collected, field and tag changes
 * land on an in-memory contact, ask_question waits are answered by the next typed message and
 * delays count as elapsed (the simulated clock moves on). Powers `POST /api/workflows/:id/test-runs`.
 */
import { getDefinition } from '../definitions';
import { FlowDocument } from '../document';
import { findTrigger, indexFlow, nextNodeId } from '../graph';
import { matchMessageTrigger } from '../nodes/message-received/match';
import { parseNodeConfig } from '../parse-node';
import type { MessageReceivedConfig } from '../nodes/message-received/definition';
import { makeData, makeServices } from './flow-data';
import type { ContactData, ConversationData, FlowServices, ResumeEvent, WorkspaceData } from '../types';
import { applyEffects } from './apply-effects';
import { executeNode } from './interpreter';
import { sampleHttp } from './sample-http';
import { SAMPLE_RESPONSE_NOTE } from '../nodes/test-response';

export const MAX_STEPS_PER_ACTIVATION = 100;
export const MAX_STEPS_PER_RUN = 1000;

export interface SimulateOptions {
  /** What the customer types, in order. */
  messages: string[];
  contact?: Partial<ContactData>;
  workspace?: Partial<WorkspaceData>;
  /**
   * Real services to use (http, ai, knowledge, now); by default HTTP and AI are unavailable. HTTP
   * is reached only by a GET step with "Call for real" on; other calls get the step's sample.
   */
  services?: Partial<Omit<FlowServices, 'render'>>;
  /** Pretend channel, e.g. "whatsapp" to see the 24-hour rule (default "webchat"). */
  channelType?: string;
  /** `trigger` data for webhook/schedule flows, e.g. `{ body: {...} }`. */
  trigger?: Record<string, unknown>;
  /**
   * Stops the run (its request went away, or its deadline passed): checked before every step and
   * handed to every HTTP and AI call, so nothing more goes out once it fires.
   */
  signal?: AbortSignal;
}

export interface SimulatedReply {
  text: string;
  quickReplies?: string[];
  mediaUrl?: string;
}

export interface SimulatedStep {
  nodeId: string;
  output?: string;
  status: 'ok' | 'waiting' | 'error';
  log?: string;
  /** Set when the step answered with its sample response: "Sample response used (no request sent)". */
  note?: string;
  /** With `note`: how many replies the run had sent before this step, to show the note in order. */
  afterReplies?: number;
  /** With `note`: the step's name on the canvas (its label, or its type's). */
  name?: string;
}

export interface SimulationResult {
  status: 'completed' | 'waiting' | 'failed';
  replies: SimulatedReply[];
  path: SimulatedStep[];
  vars: Record<string, unknown>;
  contact: ContactData;
  conversation: ConversationData;
  /** Things worth telling the person testing, e.g. a message that started nothing. */
  notes: string[];
  error?: { nodeId?: string; field?: string; message: string };
}

/** The caller's HTTP and AI services, each call carrying `signal`. */
function withSignal(services: SimulateOptions['services'], signal: AbortSignal | undefined): Partial<FlowServices> {
  if (!signal || !services) return {};
  const { http, ai, aiChat } = services;
  return {
    ...(http && { http: (req) => http({ ...req, signal }) }),
    ...(ai && { ai: (req) => ai({ ...req, signal }) }),
    ...(aiChat && { aiChat: (req) => aiChat({ ...req, signal }) }),
  };
}

const stopReason = (signal: AbortSignal): string =>
  signal.reason instanceof Error ? signal.reason.message : String(signal.reason ?? 'aborted');

type Outcome = { kind: 'done' } | { kind: 'waiting'; nodeId: string; nodeState?: Record<string, unknown> } | { kind: 'failed' };

/** Runs a draft flow against simulated customer messages. Never throws for a broken flow. */
export async function simulateFlow(input: unknown, options: SimulateOptions): Promise<SimulationResult> {
  const conversation: Partial<ConversationData> = {
    id: 'sim',
    channelId: 'sim',
    channelType: options.channelType ?? 'webchat',
    lastInboundAt: null,
    isNew: true,
    recentMessages: [],
  };
  const data = makeData({ contact: options.contact, workspace: options.workspace, conversation, message: null, trigger: options.trigger });
  let clockOffsetMs = 0;
  const realNow = options.services?.now ?? (() => new Date());
  const services = makeServices(() => data, {
    ...options.services,
    ...withSignal(options.services, options.signal),
    now: () => new Date(realNow().getTime() + clockOffsetMs),
  });
  const result: SimulationResult = {
    status: 'completed',
    replies: [],
    path: [],
    vars: data.vars,
    contact: data.contact,
    conversation: data.conversation as ConversationData,
    notes: [],
  };
  const fail = (error: SimulationResult['error']): Outcome => {
    result.error = error;
    return { kind: 'failed' };
  };

  const parsedDoc = FlowDocument.safeParse(input);
  if (!parsedDoc.success) return { ...result, status: 'failed', error: { message: 'This is not a valid flow document.' } };
  const doc = parsedDoc.data;
  const trigger = findTrigger(doc);
  if (!trigger) return { ...result, status: 'failed', error: { message: 'Add a trigger so the flow knows when to start.' } };
  const triggerConfig = parseNodeConfig(trigger);
  if (!triggerConfig.ok)
    return {
      ...result,
      status: 'failed',
      error: {
        nodeId: trigger.id,
        ...triggerConfig.problems[0],
        message: triggerConfig.problems[0]?.message ?? 'The trigger is not set up correctly.',
      },
    };

  /** The step's config as its definition reads it (sample response, "Call for real"), and its name. */
  const stepOf = (nodeId: string): { config: unknown; name: string } => {
    const node = indexFlow(doc).nodes.get(nodeId);
    const parsed = node && parseNodeConfig(node);
    return { config: parsed?.ok ? parsed.config : undefined, name: node?.label || parsed?.definition?.label || nodeId };
  };

  let runSteps = 0;
  async function advance(startId: string, startResume?: ResumeEvent, startState?: Record<string, unknown>): Promise<Outcome> {
    let nodeId = startId;
    let resume = startResume;
    let nodeState = startState;
    for (let steps = 0; ; steps++) {
      if (steps >= MAX_STEPS_PER_ACTIVATION || runSteps >= MAX_STEPS_PER_RUN) {
        return fail({
          nodeId,
          message: `The flow took more than ${steps >= MAX_STEPS_PER_ACTIVATION ? MAX_STEPS_PER_ACTIVATION : MAX_STEPS_PER_RUN} steps without waiting for the customer. Check for a loop.`,
        });
      }
      if (options.signal?.aborted)
        return fail({ nodeId, message: `The test run was stopped before this step: ${stopReason(options.signal)}.` });
      runSteps++;
      const current = stepOf(nodeId);
      const wire = sampleHttp(current.config, services.http);
      const repliesBefore = result.replies.length;
      // Each path entry of a step that was answered by its sample says so.
      // A CRM push the step asked for is recorded only by a real run: a test run sends nothing either.
      const noted = (entry: SimulatedStep, pushAsked = false): SimulatedStep =>
        wire.sampled.length || pushAsked
          ? { ...entry, note: SAMPLE_RESPONSE_NOTE, afterReplies: repliesBefore, name: current.name }
          : entry;
      let step;
      try {
        step = await executeNode(doc, nodeId, {
          data,
          resume,
          nodeState,
          services: { ...services, http: wire.http },
          step: { runId: 'test-run', seq: runSteps },
        });
      } catch (err) {
        result.path.push(noted({ nodeId, status: 'error' }));
        return fail({ nodeId, message: err instanceof Error ? err.message : String(err) });
      }
      resume = undefined;
      nodeState = undefined;
      if (step.error) {
        result.path.push(noted({ nodeId, status: 'error', log: step.error.message }));
        return fail({ nodeId, ...step.error });
      }
      applyEffects(data, step.effects);
      if (step.vars) Object.assign(data.vars, step.vars);
      for (const e of step.effects) {
        if (e.type !== 'send_message') continue;
        result.replies.push({
          text: e.text,
          ...(e.quickReplies ? { quickReplies: e.quickReplies } : {}),
          ...(e.mediaUrl ? { mediaUrl: e.mediaUrl } : {}),
        });
      }
      if (step.wait?.kind === 'delay') {
        // Test runs do not wait: the clock jumps and the node resumes at once.
        clockOffsetMs += step.wait.minutes * 60_000;
        result.path.push({ nodeId, status: 'ok', log: `waited ${step.wait.minutes} min (skipped in test runs)` });
        resume = { kind: 'delay_done' };
        continue;
      }
      if (step.repeat) {
        // The node runs again as its next step (an AI agent's next tool call), with its new state.
        result.path.push(noted({ nodeId, status: 'ok', ...(step.log ? { log: step.log } : {}) }));
        nodeState = step.repeat.nodeState;
        continue;
      }
      if (step.wait?.kind === 'reply') {
        result.path.push(noted({ nodeId, status: 'waiting', ...(step.log ? { log: step.log } : {}) }));
        return { kind: 'waiting', nodeId, nodeState: step.wait.nodeState };
      }
      const pushAsked = step.effects.some((e) => e.type === 'crm' && e.operation.startsWith('push_'));
      result.path.push(
        noted(
          { nodeId, status: 'ok', ...(step.output !== undefined ? { output: step.output } : {}), ...(step.log ? { log: step.log } : {}) },
          pushAsked,
        ),
      );
      if (step.end) return { kind: 'done' };
      const next = nextNodeId(doc, nodeId, step.output);
      if (!next) return { kind: 'done' };
      nodeId = next;
    }
  }

  const conv = data.conversation as ConversationData;
  let outcome: Outcome = { kind: 'done' };
  let started = false;
  const startRun = () => {
    started = true;
    runSteps = 0;
    for (const k of Object.keys(data.vars)) delete data.vars[k];
    return advance(trigger.id);
  };
  const byMessage = !!getDefinition(trigger.type)?.startsFromCustomer;
  if (!byMessage) outcome = await startRun();

  for (const [i, text] of options.messages.entries()) {
    if (outcome.kind === 'failed') break;
    data.message = { id: `sim_${i + 1}`, text, attachments: [] };
    conv.lastInboundAt = services.now().toISOString();
    conv.recentMessages?.push({ direction: 'in', text });
    if (outcome.kind === 'waiting') {
      outcome = await advance(outcome.nodeId, { kind: 'reply', message: data.message }, outcome.nodeState);
      continue;
    }
    const event = { channelType: conv.channelType, channelId: conv.channelId, text, isFirstMessage: i === 0, handledBy: conv.handledBy };
    const starts =
      trigger.type === 'trigger.message_received'
        ? matchMessageTrigger(triggerConfig.config as MessageReceivedConfig, event)
        : trigger.type === 'trigger.conversation_opened' && i === 0;
    if (starts) outcome = await startRun();
    else result.notes.push(`"${text}" did not start the flow${started ? ' again' : ''} (its trigger settings do not match).`);
    conv.isNew = false;
  }
  result.status = outcome.kind === 'failed' ? 'failed' : outcome.kind === 'waiting' ? 'waiting' : 'completed';
  return result;
}
