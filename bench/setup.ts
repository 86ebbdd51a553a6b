import { ApiClient } from './client';

/** The flows under test. Every reply echoes the `#ref` of what it answers, so the stand-in can match it. */
const position = { x: 0, y: 0 };
const node = (id: string, type: string, config: Record<string, unknown>) => ({ id, type, position, config });
const edge = (source: string, target: string, sourceHandle?: string) => ({
  id: `${source}-${sourceHandle ?? 'next'}-${target}`,
  source,
  target,
  ...(sourceHandle && { sourceHandle }),
});

/** Shape 1: message trigger -> keyword match -> reply. */
const pricesFlow = {
  schemaVersion: 1,
  nodes: [
    node('start', 'trigger.message_received', { keywords: ['price'] }),
    node('match', 'condition.text_match', { cases: [{ id: 'cake', operator: 'contains_any', values: ['cake'] }] }),
    node('cake', 'action.send_message', { text: 'A cake is $30. ({{ message.text }})' }),
    node('other', 'action.send_message', { text: 'Our price list is on the website. ({{ message.text }})' }),
  ],
  edges: [edge('start', 'match'), edge('match', 'cake', 'cake'), edge('match', 'other', 'else')],
};

/** Shape 2: ask a question, wait for the reply, resume and confirm (two messages per conversation). */
const bookingFlow = {
  schemaVersion: 1,
  nodes: [
    node('start', 'trigger.message_received', { keywords: ['book'] }),
    node('ask', 'action.ask_question', { text: 'Which day? ({{ message.text }})', saveTo: 'vars.day', timeoutMinutes: 30 }),
    node('ok', 'action.send_message', { text: 'Booked for {{ vars.day }}.' }),
    node('late', 'action.send_message', { text: 'We will follow up by email.' }),
  ],
  edges: [edge('start', 'ask'), edge('ask', 'ok', 'reply'), edge('ask', 'late', 'timeout')],
};

/** Shape 3: a webhook from another system makes the bot write first (proactive message). */
const proactiveFlow = {
  schemaVersion: 1,
  nodes: [
    node('start', 'trigger.webhook', {}),
    node('say', 'action.send_message', { text: 'Your order is ready. (#{{ trigger.body.ref }})' }),
  ],
  edges: [edge('start', 'say')],
};

export interface BenchSetup {
  channelId: string;
  webhookPath: string;
  secret: string;
  /** Commits of the setup itself are not counted. */
}

export async function setUp(baseUrl: string, callbackUrl: string): Promise<BenchSetup> {
  const api = new ApiClient(baseUrl);
  await api.call('POST', '/api/auth/signup', {
    email: `bench-${Date.now()}@example.com`,
    password: 'bench-password-123',
    name: 'Bench',
    workspaceName: 'Bench Bakery',
  });
  const channel = await api.call<{ id: string; webhookUrl: string; secret: string }>('POST', '/api/channels', {
    type: 'api',
    name: 'Bench API',
    config: { callbackUrl },
  });
  const publish = async (name: string, definition: unknown) => {
    const flow = await api.call<{ id: string }>('POST', '/api/workflows', { name, definition });
    await api.call('POST', `/api/workflows/${flow.id}/publish`);
    return api.call<{ id: string; webhookUrl?: string }>('GET', `/api/workflows/${flow.id}`);
  };
  await publish('Prices', pricesFlow);
  await publish('Booking', bookingFlow);
  const proactive = await publish('Order ready', proactiveFlow);
  if (!proactive.webhookUrl) throw new Error('the webhook flow has no webhookUrl after publish');
  return { channelId: channel.id, webhookPath: new URL(proactive.webhookUrl).pathname, secret: channel.secret };
}
