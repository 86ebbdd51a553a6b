/**
 * @switchboard/flow — browser-safe: the flow document schema, the node catalog and validation.
 * Handlers and the interpreter live in `@switchboard/flow/runtime` (server-only).
 */
export {
  CURRENT_SCHEMA_VERSION,
  FlowDocument,
  FlowEdge,
  FlowNodeEnvelope,
  FlowTemplate,
  Position,
  Requirement,
  RequirementKind,
} from './document';
export {
  getDefinition,
  isNodeType,
  nodeDefinitions,
  nodeTypes,
  outputsOf,
  type NodeConfig,
  type NodeDefinitions,
  type NodeType,
  type TypedFlowNode,
} from './definitions';
export { NEXT, type FieldHint, type FieldWidget, type NodeDefinition, type NodeKind } from './nodes/define';
export { DEFAULT_TEST_RESPONSE, SAMPLE_RESPONSE_NOTE, TestResponse } from './nodes/test-response';
export { edgeHandle, findTrigger, nextNodeId } from './graph';
export { isTimeZone } from './nodes/schedule/definition';
export { AI_NOT_CONNECTED, AiNotConnectedError } from './nodes/ai-reply/not-connected';
export { agentStepCaption } from './nodes/ai-agent/step-caption';
export { parseNodeConfig, type ParsedNode } from './parse-node';
export {
  validateFlow,
  type ActiveKeywords,
  type ConnectedChannel,
  type Issue,
  type ValidateOptions,
  type ValidationResult,
} from './validate';
export { documentVersion, migrateDocument } from './migrate';
export { containsWholeWords, normalizeText } from './text/normalize';
export { regexProblem } from './text/safe-regex';
export { hoursText, replyTimeText } from './text/hours-text';
export { configValue, isSample, placeholdersLeft, withSamples } from './placeholders';
export { readField, unverifiedField } from './fields';
export {
  CREDENTIAL_NAME,
  CredentialHostError,
  hostAllowed,
  isSensitiveHeader,
  isSensitiveParam,
  maskUrlParams,
  redactValues,
  SECRET_MASK,
  secretRefs,
} from './secrets';
export type * from './types';
