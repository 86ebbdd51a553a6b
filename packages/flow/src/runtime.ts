/**
 * @switchboard/flow/runtime — server-only: node handlers, the step executor, trigger matching,
 * the simulator and the services a run needs (templates, safe HTTP, AI).
 */
export * from './index';
export { nodeHandlers } from './handlers';
export { executeNode } from './runtime/interpreter';
export { applyEffects, setField } from './runtime/apply-effects';
export {
  simulateFlow,
  MAX_STEPS_PER_ACTIVATION,
  MAX_STEPS_PER_RUN,
  type SimulateOptions,
  type SimulatedReply,
  type SimulatedStep,
  type SimulationResult,
} from './runtime/simulate';
export {
  createTemplateRenderer,
  templateScope,
  TemplateError,
  type TemplateRenderer,
  type TemplateRendererOptions,
} from './runtime/template';
export {
  createSafeHttp,
  BlockedAddressError,
  HttpTimeoutError,
  ResponseTooLargeError,
  type SafeHttp,
  type SafeHttpOptions,
} from './runtime/safe-http';
export { AiProviderError, createAiClient, type AiClient, type AiClientOptions } from './runtime/ai';
export { createAiChatClient, type AiChatClient } from './runtime/ai-chat';
export {
  defaultWorkspace,
  makeContact,
  makeConversation,
  makeData,
  makeMessage,
  makeServices,
  type DataOverrides,
} from './runtime/flow-data';
export { matchMessageTrigger, type InboundEvent } from './nodes/message-received/match';
export { matchTagTrigger } from './nodes/tag-added/match';
export { matchesChannel } from './nodes/shared';
export { nextScheduledRun } from './nodes/schedule/next-run';
export { isOpenAt } from './nodes/business-hours/open';
export { isWindowOpen } from './nodes/send-message/window';
export { findAnswer } from './nodes/faq-match/search';
