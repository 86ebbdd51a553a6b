import { z } from 'zod';
import { defineNode } from '../define';
import { AddTagConfig } from '../add-tag/definition';
import { AssignConfig } from '../assign/definition';
import { HandoffConfig } from '../handoff/definition';
import { SetAttributeConfig } from '../set-attribute/definition';
import { textOr } from '../summary-text';
import { TestResponse } from '../test-response';

/** Names the model always has: the only ways, with the limits, that the agent's run ends. */
export const BUILT_IN_TOOLS = ['resolve', 'handoff'] as const;
export const DEFAULT_MAX_TOOL_CALLS = 8;
export const DEFAULT_AGENT_TIMEOUT_MINUTES = 1440;

export const ToolParameter = z.object({
  type: z.enum(['string', 'number', 'integer', 'boolean']).describe('Type'),
  description: z.string().max(500).optional().describe('What the value is'),
  enum: z.array(z.string()).optional().describe('Allowed values'),
});
export type ToolParameter = z.infer<typeof ToolParameter>;

const ARG_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** The tool's arguments as JSON Schema, flat: `{ type: 'object', properties, required }`. */
export const ToolParameters = z
  .object({
    type: z.literal('object'),
    properties: z.record(z.string().regex(ARG_NAME, 'Name arguments with letters, digits and "_", e.g. order_id.'), ToolParameter),
    required: z.array(z.string()).optional(),
  })
  .superRefine((p, ctx) => {
    for (const [i, name] of (p.required ?? []).entries()) {
      if (!(name in p.properties))
        ctx.addIssue({ code: 'custom', path: ['required', i], message: `"${name}" is required but not among the arguments.` });
    }
  });
export type ToolParameters = z.infer<typeof ToolParameters>;

export const ToolRequest = z.object({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).describe('Method'),
  url: z.string().min(1, 'Give the address to call.').describe('Address ({{ args.x }} placeholders are percent-encoded)'),
  headers: z.record(z.string(), z.string()).optional().describe('Headers'),
  body: z.string().optional().describe('Body (without one, POST/PUT/PATCH send the arguments as JSON)'),
  testResponse: TestResponse.optional(),
  callForReal: z.boolean().optional().describe('Call for real when testing (GET only)'),
});
export type ToolRequest = z.infer<typeof ToolRequest>;

/** A built-in action run as the tool, with that step's own config. */
export const ToolAction = z.discriminatedUnion('type', [
  AddTagConfig.extend({ type: z.literal('add_tag') }),
  SetAttributeConfig.extend({ type: z.literal('set_attribute') }),
  z.object({
    type: z.literal('assign'),
    to: AssignConfig.shape.to,
    userId: z.string().optional(),
    teamId: z.string().optional(),
    strategy: AssignConfig.shape.strategy,
  }),
  HandoffConfig.extend({ type: z.literal('handoff') }),
]);
export type ToolAction = z.infer<typeof ToolAction>;

export const AgentTool = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'Name the tool with letters, digits, "_" or "-", e.g. lookup_order.')
      .refine((n) => !(BUILT_IN_TOOLS as readonly string[]).includes(n), 'resolve and handoff are built in: pick another name.')
      .describe('Name'),
    description: z
      .string()
      .min(1, 'Say what the tool does: the model reads it to decide when to call it.')
      .max(1000)
      .describe('What it does'),
    parameters: ToolParameters.default({ type: 'object', properties: {} }).describe('Arguments'),
    request: ToolRequest.optional(),
    action: ToolAction.optional(),
    confirm: z.boolean().optional().describe('Ask the customer before running it'),
  })
  .superRefine((t, ctx) => {
    if (!t.request === !t.action)
      ctx.addIssue({ code: 'custom', path: ['request'], message: 'Give the tool either a request or an action (exactly one).' });
  });
export type AgentTool = z.infer<typeof AgentTool>;

export const AiAgentConfig = z
  .object({
    instructions: z
      .string()
      .min(1, 'Tell the agent what it is for and how to work.')
      .max(8000, 'Keep instructions under 8000 characters.')
      .describe('Instructions'),
    useKnowledge: z.boolean().optional().describe('Answer from the knowledge base (default yes)'),
    tools: z.array(AgentTool).max(20, 'At most 20 tools.').default([]).describe('Tools'),
    // Each tool call is two steps (the model's choice, the call): 30 stays within a run's 100 steps at a time.
    maxToolCalls: z.number().int().min(1).max(30).optional().describe('Hand off after this many tool calls (default 8)'),
    timeoutMinutes: z
      .number()
      .int()
      .min(1)
      .max(43200)
      .optional()
      .describe('Hand off when the customer is silent this long (default 1 day)'),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    for (const [i, t] of c.tools.entries()) {
      if (seen.has(t.name)) ctx.addIssue({ code: 'custom', path: ['tools', i, 'name'], message: `Two tools are named "${t.name}".` });
      seen.add(t.name);
    }
  });
export type AiAgentConfig = z.infer<typeof AiAgentConfig>;

const CREDENTIAL_FIELD = /^tools\.\d+\.request\.(?:url|body|headers\..+)$/;

export const aiAgentDefinition = defineNode({
  type: 'action.ai_agent',
  kind: 'action',
  label: 'AI agent',
  icon: 'sparkles',
  description:
    'Talks with the customer until their problem is solved, using the tools you give it (your APIs, or tagging, assigning and handing off). Each tool call is a step of the run you can replay. Tools marked "confirm" run only after the customer says yes. Goes down "resolved" when the agent solved it, "handoff" when it passed the conversation to your team (also after too many tool calls, a tool failing twice, or a silent customer). In a test, HTTP tools answer with their sample response (a GET may call for real).',
  config: AiAgentConfig,
  outputs: ['resolved', 'handoff'],
  defaults: {
    instructions: '',
    useKnowledge: true,
    tools: [],
    maxToolCalls: DEFAULT_MAX_TOOL_CALLS,
    timeoutMinutes: DEFAULT_AGENT_TIMEOUT_MINUTES,
  },
  fields: { instructions: { widget: 'multiline' }, tools: { widget: 'tools' } },
  outputLabels: { resolved: 'Resolved', handoff: 'Handed off' },
  callsOut: true,
  credentialFields: (field) => CREDENTIAL_FIELD.test(field),
  sendsToCustomer: true,
  // "handoff" may follow a silent customer, so only "resolved" says the customer just wrote.
  waits: { maxMinutes: (c) => c.timeoutMinutes ?? DEFAULT_AGENT_TIMEOUT_MINUTES, replyOutputs: ['resolved'] },
  summary: (c) => textOr(c.instructions, 'Write the instructions'),
});
