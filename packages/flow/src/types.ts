/**
 * The handler contract: what a node handler sees and what it answers.
 * Browser-safe (types only), shared by the runtime and the editor's simulator view.
 */

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
/** Opening intervals per weekday, e.g. `{ mon: [["09:00", "17:00"]] }`. A missing day is closed. */
export type BusinessHours = Partial<Record<Weekday, [string, string][]>>;

export interface ContactData {
  id: string;
  name: string | null;
  firstName: string | null;
  email: string | null;
  phone: string | null;
  attributes: Record<string, unknown>;
  tags: string[];
}

export interface RecentMessage {
  direction: 'in' | 'out';
  text: string;
}

export interface ConversationData {
  id: string;
  channelId: string;
  channelType: string;
  status: 'open' | 'pending' | 'snoozed' | 'resolved';
  assigneeId: string | null;
  teamId: string | null;
  priority: 'none' | 'low' | 'medium' | 'high' | 'urgent';
  handledBy: 'bot' | 'human';
  /** ISO time of the customer's last message, null when they never wrote (proactive). */
  lastInboundAt: string | null;
  isNew?: boolean;
  /** Last few messages, oldest first; used to ground `action.ai_reply`. */
  recentMessages?: RecentMessage[];
}

export interface MessageData {
  id: string;
  text: string;
  attachments: { url: string; type?: string; name?: string }[];
  /** Payload of the quick-reply button the customer tapped, when any. */
  quickReply?: string;
}

export interface WorkspaceData {
  id: string;
  name: string;
  timezone: string;
  businessHours: BusinessHours;
  /** Dates `YYYY-MM-DD` in the workspace time zone on which the business is closed. */
  holidays: string[];
  settings: Record<string, unknown>;
}

/** A customer message a running step took in (an AI agent's next model call reads it). */
export interface HeardMessage {
  id: string;
  text: string;
}

export interface KnowledgeEntry {
  id: string;
  question: string;
  answer: string;
}

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  /** Aborts the call (a test run whose request went away); the connection is closed at once. */
  signal?: AbortSignal;
  /**
   * A test run's stand-in answer for this one request, when the step holds several (an AI agent's
   * tools): read by the simulator only, never sent. Without it the step's own sample applies.
   */
  sample?: { testResponse?: unknown; callForReal?: boolean };
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface AiMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A tool the AI model may call: its name, what it does, and its arguments as JSON Schema. */
export interface AiTool {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/** One call the model asked for: `arguments` is the model's JSON text, unparsed. */
export interface AiToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** A message of a tool-using conversation with the model (OpenAI chat completions' shapes). */
export type AiChatMessage =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string | null; toolCalls?: AiToolCall[] }
  | { role: 'tool'; toolCallId: string; content: string };

export interface AiChatAnswer {
  content: string | null;
  toolCalls: AiToolCall[];
}

export interface FlowData {
  contact: ContactData;
  conversation: ConversationData | null;
  message: MessageData | null;
  trigger: Record<string, unknown>;
  vars: Record<string, unknown>;
  workspace: WorkspaceData;
}

export type ResumeEvent = { kind: 'reply'; message: MessageData } | { kind: 'timeout' } | { kind: 'delay_done' };

export interface FlowServices {
  now(): Date;
  http(req: HttpRequest): Promise<HttpResponse>;
  ai(req: { messages: AiMessage[]; signal?: AbortSignal }): Promise<string>;
  /** The model with tools: answers with text, tool calls or both. Absent where no AI is set up. */
  aiChat?(req: { messages: AiChatMessage[]; tools: AiTool[]; signal?: AbortSignal }): Promise<AiChatAnswer>;
  knowledge(): Promise<KnowledgeEntry[]>;
  /**
   * The customer's messages in the run's conversation that no flow has taken yet, or that routing
   * left for this run while it worked, oldest first; they become this step's (`step`), so a step
   * run again after a crash hears the same ones. Absent where there is no stored conversation.
   */
  hearCustomer?(step: { runId: string; seq: number }): Promise<HeardMessage[]>;
  /**
   * Renders a LiquidJS template over `data`; throws `TemplateError` on a broken template.
   * `scope` adds names beside the data (outbound fields add `secrets`).
   */
  render(template: string, scope?: Record<string, unknown>): Promise<string>;
  /** The workspace's named credentials, for outbound calls only; absent where there are none. */
  credentials?: CredentialVault;
}

/**
 * A workspace's credentials as outbound steps (HTTP, AI) see them. The server provides it; the
 * values never reach customer-facing text, run history or the simulator's output.
 */
export interface CredentialVault {
  /** The `secrets` object of an outbound field's template scope; reading `secrets.x` marks x as used. */
  scope(): Promise<Record<string, unknown>>;
  /** Throws `CredentialHostError` when a credential used since the last call may not go to `url`'s host; then forgets the marks. */
  release(url: string): void;
  /** `value` with every secret value this vault handed out or saw sent replaced by "[secret]". */
  redact<T>(value: T): T;
}

export interface HandlerContext {
  data: FlowData;
  /** Set when a waiting node is resumed. */
  resume?: ResumeEvent;
  /** State this node saved when it started waiting (e.g. attempts), or asked to run again with. */
  nodeState?: Record<string, unknown>;
  services: FlowServices;
  /** The run and the number this step will be recorded under: the same when a killed step runs again. */
  step?: { runId: string; seq: number };
}

export interface WhatsappTemplateRef {
  name: string;
  language: string;
  variables?: string[];
  /** Names of the body's parameters, in the order of `variables` (templates with named parameters). */
  parameterNames?: string[];
  headerMedia?: { type: 'image' | 'video' | 'document'; link: string };
  /** A quick reply's payload or a link button's ending, per button that takes one. */
  buttons?: { subType: 'quick_reply' | 'url'; index: number; value: string }[];
}

/** `contact.name|contact.email|contact.phone|contact.attributes.<key>|vars.<key>` */
export type FieldPath = string;

export type Effect =
  | {
      type: 'send_message';
      text: string;
      mediaUrl?: string;
      /** More files by web link. */
      attachments?: string[];
      /** Text the server draws as a QR code picture. */
      qrCode?: string;
      location?: { latitude: number; longitude: number; name?: string; address?: string };
      quickReplies?: string[];
      whatsappTemplate?: WhatsappTemplateRef;
    }
  | {
      type: 'assign';
      to: 'anyone' | 'agent' | 'team' | 'unassign';
      userId?: string;
      teamId?: string;
      strategy?: 'round_robin' | 'least_busy';
    }
  | { type: 'handoff'; teamId?: string }
  | { type: 'add_tags'; tags: string[] }
  | { type: 'remove_tags'; tags: string[] }
  | { type: 'set_field'; field: FieldPath; value: unknown }
  | { type: 'set_status'; status?: ConversationData['status']; priority?: ConversationData['priority'] }
  | { type: 'note'; text: string }
  | { type: 'crm'; operation: string; payload: Record<string, unknown> };

export type Wait = { kind: 'reply'; timeoutMinutes?: number; nodeState?: Record<string, unknown> } | { kind: 'delay'; minutes: number };

export interface StepError {
  /** Config field path, dotted (`cases.0.values`), when the problem is one field. */
  field?: string;
  message: string;
}

export interface StepResult {
  /** Output handle to follow; undefined = the node's single next edge. */
  output?: string;
  effects: Effect[];
  /** Merged into the run's variables. */
  vars?: Record<string, unknown>;
  wait?: Wait;
  /**
   * Run this same node again as the next step, with this state (an AI agent's next tool call):
   * each pass is its own durable step, committed with its effects before the next one starts.
   */
  repeat?: { nodeState: Record<string, unknown> };
  /** What the step did, for run history (a tool call's arguments and result); never secrets. */
  detail?: Record<string, unknown>;
  end?: boolean;
  log?: string;
  /** A user misconfiguration: the run stops and the message shows on the node. */
  error?: StepError;
}

export type NodeHandler<C = unknown> = (config: C, ctx: HandlerContext) => Promise<StepResult>;
