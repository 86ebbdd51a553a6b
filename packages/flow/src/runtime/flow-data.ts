/**
 * Builders for flow data and services with sensible defaults, used by `simulateFlow` and tests.
 * The renderer is the real LiquidJS one; HTTP and AI refuse unless real clients are passed.
 */
import { createTemplateRenderer } from './template';
import type { ContactData, ConversationData, FlowData, FlowServices, MessageData, WorkspaceData } from '../types';

export interface DataOverrides {
  contact?: Partial<ContactData>;
  conversation?: Partial<ConversationData> | null;
  message?: Partial<MessageData> | null;
  trigger?: Record<string, unknown>;
  vars?: Record<string, unknown>;
  workspace?: Partial<WorkspaceData>;
}

const NINE_TO_FIVE: [string, string][] = [['09:00', '17:00']];

export function defaultWorkspace(): WorkspaceData {
  return {
    id: 'ws_1',
    name: 'Bakery',
    timezone: 'UTC',
    businessHours: { mon: NINE_TO_FIVE, tue: NINE_TO_FIVE, wed: NINE_TO_FIVE, thu: NINE_TO_FIVE, fri: NINE_TO_FIVE },
    holidays: [],
    settings: {},
  };
}

export function makeContact(c: Partial<ContactData> = {}): ContactData {
  return { id: 'ct_1', name: 'Alex Baker', firstName: null, email: null, phone: null, attributes: {}, tags: [], ...c };
}

export function makeConversation(c: Partial<ConversationData> = {}): ConversationData {
  return {
    id: 'cv_1',
    channelId: 'ch_1',
    channelType: 'webchat',
    status: 'open',
    assigneeId: null,
    teamId: null,
    priority: 'none',
    handledBy: 'bot',
    lastInboundAt: new Date().toISOString(),
    ...c,
  };
}

export function makeMessage(m: Partial<MessageData> = {}): MessageData {
  return { id: 'msg_1', text: '', attachments: [], ...m };
}

export function makeData(o: DataOverrides = {}): FlowData {
  return {
    contact: makeContact(o.contact),
    conversation: o.conversation === null ? null : makeConversation(o.conversation),
    message: o.message === null ? null : makeMessage(o.message ?? {}),
    trigger: o.trigger ?? {},
    vars: o.vars ?? {},
    workspace: { ...defaultWorkspace(), ...o.workspace },
  };
}

const sharedRenderer = createTemplateRenderer();

/** Services bound to `data` (read at call time, so later changes to data are seen). */
export function makeServices(getData: () => FlowData, s: Partial<FlowServices> = {}): FlowServices {
  return {
    now: () => new Date(),
    http: async () => {
      throw new Error('HTTP requests are not available here.');
    },
    ai: async () => {
      throw new Error('No AI provider is configured.');
    },
    knowledge: async () => [],
    render: (template, scope) => sharedRenderer.render(template, getData(), scope),
    ...s,
  };
}
