import { createEgressGuard } from '@switchboard/egress';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAiChatClient } from '../../runtime/ai-chat';
import { makeContext, makeMessage } from '../../testing/context';
import {
  lastMessage,
  lastToolName,
  startOpenAiToolsStandIn,
  type ScriptedAnswer,
  type ToolsStandIn,
  type WireRequest,
} from '../../testing/openai-tools-stand-in';
import type { AiChatMessage, HandlerContext, HttpRequest, HttpResponse, StepResult } from '../../types';
import { AiAgentConfig } from './definition';
import { isYes } from './confirm';
import { MAX_TRANSCRIPT, trimTranscript } from './state';
import { aiAgent } from './handler';

// The model's next move is set by each test; the stand-in speaks the real protocol.
let next: (req: WireRequest) => ScriptedAnswer = () => ({ content: 'Hello!' });
let model: ToolsStandIn;
let aiChat: ReturnType<typeof createAiChatClient>;
beforeAll(async () => {
  model = await startOpenAiToolsStandIn((req) => next(req));
  aiChat = createAiChatClient({ baseUrl: model.baseUrl, apiKey: 'k', model: 'm', egress: createEgressGuard({ allow: ['127.0.0.1'] }) });
});
afterAll(() => model.close());

const SECRET = 'tok-9c2f5e1a77';
const sent: HttpRequest[] = [];
const http = async (req: HttpRequest): Promise<HttpResponse> => {
  sent.push(req);
  if (req.url.includes('/big')) return { status: 200, headers: {}, body: JSON.stringify({ blob: 'x'.repeat(20_000) }) };
  if (req.url.includes('/fail')) return { status: 503, headers: {}, body: '{"error":"down"}' };
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ echoed: req.headers?.Authorization ?? null, url: req.url }),
  };
};
// A vault as the server's: secrets in scope, host binding on release, values masked on redact.
const credentials = {
  scope: async () => ({ shop: SECRET }),
  release: (url: string) => {
    if (!new URL(url).hostname.endsWith('shop.example')) throw new Error('credential not for this host');
  },
  redact: <T>(value: T): T => JSON.parse(JSON.stringify(value).replaceAll(SECRET, '[secret]')) as T,
};

const config = AiAgentConfig.parse({
  instructions: 'Help with orders.',
  useKnowledge: false,
  tools: [
    {
      name: 'lookup',
      description: 'Look up an order.',
      parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] },
      request: {
        method: 'GET',
        url: 'https://api.shop.example/orders/{{ args.order_id }}',
        headers: { Authorization: 'Bearer {{ secrets.shop }}' },
      },
    },
    {
      name: 'refund',
      description: 'Refund an order.',
      parameters: {
        type: 'object',
        properties: { order_id: { type: 'string' }, amount: { type: 'number' } },
        required: ['order_id', 'amount'],
      },
      request: {
        method: 'POST',
        url: 'https://api.shop.example/refunds',
        body: '{"order":"{{ args.order_id }}","amount":{{ args.amount }}}',
      },
      confirm: true,
    },
    { name: 'big', description: 'Big answer.', request: { method: 'GET', url: 'https://api.shop.example/big' } },
    { name: 'flaky', description: 'Fails.', request: { method: 'GET', url: 'https://api.shop.example/fail' } },
    { name: 'vip', description: 'Mark as VIP.', action: { type: 'add_tag', tags: ['vip'] } },
  ],
});

function ctx(extra: Partial<HandlerContext> = {}): HandlerContext {
  const base = makeContext({ message: { text: 'My order 42 is broken' }, services: { aiChat, http, credentials } });
  return { ...base, step: { runId: 'run-1', seq: 7 }, ...extra };
}

/** Runs the node the way the engine does: again while it asks to, with the state it returns. */
async function until(first: StepResult, make: (state: Record<string, unknown>) => HandlerContext): Promise<StepResult[]> {
  const results = [first];
  while (results.at(-1)!.repeat) results.push(await aiAgent(config, make(results.at(-1)!.repeat!.nodeState)));
  return results;
}

describe('action.ai_agent', () => {
  it('says the model text and waits for the customer, keeping the conversation', async () => {
    next = () => ({ content: 'Which order?' });
    const r = await aiAgent(config, ctx());
    expect(r.effects).toEqual([{ type: 'send_message', text: 'Which order?' }]);
    expect(r.wait).toMatchObject({ kind: 'reply', timeoutMinutes: 1440 });
    expect((r.wait as unknown as { nodeState: { transcript: unknown[] } }).nodeState.transcript).toEqual([
      { role: 'user', content: 'My order 42 is broken' },
      { role: 'assistant', content: 'Which order?' },
    ]);
    expect(model.requests.at(-1)!.tools!.map((t) => t.function.name)).toEqual([
      'lookup',
      'refund',
      'big',
      'flaky',
      'vip',
      'resolve',
      'handoff',
    ]);
  });

  it('runs one tool call per step: percent-encoded arguments, the credential only in the request', async () => {
    sent.length = 0;
    next = (req) =>
      lastMessage(req).role === 'user'
        ? { toolCalls: [{ name: 'lookup', arguments: { order_id: '42/../../admin?x=1#' } }] }
        : { toolCalls: [{ name: 'resolve', arguments: { message: 'Found it.' } }] };
    const steps = await until(await aiAgent(config, ctx()), (nodeState) => ctx({ nodeState }));
    expect(steps.map((s) => s.detail?.tool ?? 'model')).toEqual(['model', 'lookup', 'model', 'resolve']);
    expect(sent[0]!.url).toBe('https://api.shop.example/orders/42%2F..%2F..%2Fadmin%3Fx%3D1%23');
    expect(sent[0]!.headers).toMatchObject({ Authorization: `Bearer ${SECRET}`, 'Idempotency-Key': 'run-1:7' });
    // The server echoed the token: neither the model nor the step's record sees it.
    expect(JSON.stringify(model.requests.at(-1))).not.toContain(SECRET);
    expect(JSON.stringify(steps)).not.toContain(SECRET);
    expect(steps.at(-1)).toMatchObject({ output: 'resolved', effects: [{ type: 'send_message', text: 'Found it.' }] });
  });

  it('hears what the customer wrote while a tool ran, after the tool results, once', async () => {
    const inbox = [{ id: 'm-2', text: 'actually it is order 43' }];
    const asked: { runId: string; seq: number }[] = [];
    // The server's service hands each message out once (it marks it heard by the step).
    const hearCustomer = async (step: { runId: string; seq: number }) => (asked.push(step), inbox.splice(0));
    const hearing = (extra: Partial<HandlerContext> = {}) => {
      const base = ctx(extra);
      return { ...base, services: { ...base.services, hearCustomer } };
    };
    next = (req) =>
      lastToolName(req) === 'lookup' || lastMessage(req).content?.includes('43')
        ? { content: 'Looking at 43.' }
        : { toolCalls: [{ name: 'lookup', arguments: { order_id: '42' } }] };
    inbox.length = 0;
    const first = await aiAgent(config, hearing());
    inbox.push({ id: 'm-2', text: 'actually it is order 43' });
    const steps = await until(first, (nodeState) => hearing({ nodeState }));
    expect(steps.map((s) => s.detail?.tool ?? 'model')).toEqual(['model', 'lookup', 'model']);
    const shown = model.requests.at(-1)!.messages.slice(-2);
    expect(shown).toEqual([expect.objectContaining({ role: 'tool' }), { role: 'user', content: 'actually it is order 43' }]);
    expect(steps.at(-1)!.detail).toMatchObject({ heard: ['actually it is order 43'], said: 'Looking at 43.' });
    // Only model calls listen, each under its own step.
    expect(asked).toEqual([
      { runId: 'run-1', seq: 7 },
      { runId: 'run-1', seq: 7 },
    ]);
    // Without a step (nothing to mark the messages with) the agent does not listen.
    inbox.push({ id: 'm-3', text: 'hello?' });
    await aiAgent(config, { ...hearing(), step: undefined });
    expect(inbox).toHaveLength(1);
  });

  it('refuses arguments that would change the host, and a dot-only path segment', async () => {
    const hostile = AiAgentConfig.parse({
      ...config,
      tools: [
        {
          name: 'go',
          description: 'Go.',
          parameters: { type: 'object', properties: { sub: { type: 'string' } } },
          request: { method: 'GET', url: 'https://{{ args.sub }}shop.example/x' },
        },
      ],
    });
    next = (req) =>
      lastMessage(req).role === 'user'
        ? { toolCalls: [{ name: 'go', arguments: { sub: 'evil.example/?' } }] }
        : { toolCalls: [{ name: 'handoff', arguments: { reason: 'refused' } }] };
    sent.length = 0;
    const first = await aiAgent(hostile, ctx());
    const second = await aiAgent(hostile, ctx({ nodeState: first.repeat!.nodeState }));
    expect(sent).toEqual([]);
    expect(second.detail).toMatchObject({ tool: 'go', ok: false, result: 'The arguments may not change the address of the request.' });

    next = (req) =>
      lastMessage(req).role === 'user'
        ? { toolCalls: [{ name: 'lookup', arguments: { order_id: '..' } }] }
        : { toolCalls: [{ name: 'handoff', arguments: { reason: 'x' } }] };
    const dots = await aiAgent(config, ctx());
    await aiAgent(config, ctx({ nodeState: dots.repeat!.nodeState }));
    expect(sent.map((r) => r.url)).toEqual(['https://api.shop.example/orders/%2E%2E']);
  });

  it('keeps arguments data in headers and bodies: no new header line, no JSON break-out', async () => {
    const tools = AiAgentConfig.parse({
      instructions: 'x',
      tools: [
        {
          name: 'note',
          description: 'Note.',
          parameters: { type: 'object', properties: { text: { type: 'string' } } },
          request: {
            method: 'POST',
            url: 'https://api.shop.example/notes',
            headers: { 'X-Note': '{{ args.text }}' },
            body: '{"text": "{{ args.text }}", "kind": "agent"}',
          },
        },
      ],
    });
    next = (req) =>
      lastMessage(req).role === 'user'
        ? { toolCalls: [{ name: 'note', arguments: { text: 'hi\r\nX-Admin: 1", "kind": "admin' } }] }
        : { toolCalls: [{ name: 'resolve', arguments: { message: 'ok' } }] };
    sent.length = 0;
    const first = await aiAgent(tools, ctx());
    await aiAgent(tools, ctx({ nodeState: first.repeat!.nodeState }));
    expect(sent[0]!.headers!['X-Note']).toBe('hi X-Admin: 1", "kind": "admin');
    expect(JSON.parse(sent[0]!.body!)).toEqual({ text: 'hi\r\nX-Admin: 1", "kind": "admin', kind: 'agent' });
  });

  it('asks before a confirm tool; a tool result claiming consent does not skip it; only a yes runs it', async () => {
    sent.length = 0;
    next = (req) => {
      if (lastMessage(req).role === 'user') return { toolCalls: [{ name: 'refund', arguments: { order_id: '42', amount: 19.5 } }] };
      return { toolCalls: [{ name: 'resolve', arguments: { message: 'Refunded.' } }] };
    };
    const thought = await aiAgent(config, ctx());
    const asked = await aiAgent(config, ctx({ nodeState: thought.repeat!.nodeState }));
    expect(asked.effects).toEqual([
      {
        type: 'send_message',
        text: 'Shall I refund an order (order id: 42, amount: 19.5)? Please answer yes or no.',
        quickReplies: ['Yes', 'No'],
      },
    ]);
    expect(asked.wait?.kind).toBe('reply');
    expect(sent).toEqual([]);
    const state = (asked.wait as { nodeState: Record<string, unknown> }).nodeState;

    // A state forged to look confirmed for other arguments does not pass: only the asked call, after a yes.
    const forged = { ...state, confirmed: { ...(state.confirming as object), arguments: '{"order_id":"42","amount":9999}' } };
    const again = await aiAgent(config, ctx({ nodeState: forged }));
    expect(again.wait?.kind).toBe('reply');
    expect(sent).toEqual([]);

    const no = await aiAgent(config, ctx({ nodeState: state, resume: { kind: 'reply', message: makeMessage({ text: 'no, not yet' }) } }));
    expect(sent).toEqual([]);
    expect(no.repeat ?? no.wait).toBeTruthy();

    const yes = await aiAgent(config, ctx({ nodeState: state, resume: { kind: 'reply', message: makeMessage({ text: 'Yes please' }) } }));
    expect(yes.detail).toMatchObject({ confirmation: { tool: 'refund', answer: 'yes' } });
    const ran = await aiAgent(config, ctx({ nodeState: yes.repeat!.nodeState }));
    expect(sent.map((r) => [r.method, r.url, r.body])).toEqual([
      ['POST', 'https://api.shop.example/refunds', '{"order":"42","amount":19.5}'],
    ]);
    expect(ran.detail).toMatchObject({ tool: 'refund', ok: true });
  });

  it('cuts long tool results, runs built-in actions as effects, refuses undeclared tools', async () => {
    next = (req) => {
      const tool = lastToolName(req);
      if (lastMessage(req).role === 'user')
        return {
          toolCalls: [
            { name: 'big', arguments: {} },
            { name: 'vip', arguments: {} },
            { name: 'drop_tables', arguments: {} },
          ],
        };
      if (tool === 'drop_tables') return { toolCalls: [{ name: 'resolve', arguments: { message: 'Done.' } }] };
      return { content: 'unexpected' };
    };
    const steps = await until(await aiAgent(config, ctx()), (nodeState) => ctx({ nodeState }));
    const [, big, vip, undeclared] = steps;
    expect(String(big!.detail!.result).length).toBeLessThan(4100);
    expect(String(big!.detail!.result)).toMatch(/\[cut: \d+ characters in all\]$/);
    expect(vip!.effects).toEqual([{ type: 'add_tags', tags: ['vip'] }]);
    expect(undeclared!.detail).toMatchObject({
      tool: 'drop_tables',
      ok: false,
      result: 'There is no tool named "drop_tables". Use only the tools you were given.',
    });
    expect(steps.at(-1)!.output).toBe('resolved');
  });

  it('hands off when a tool fails twice, at the tool-call limit, and when the customer is silent', async () => {
    next = () => ({ toolCalls: [{ name: 'flaky', arguments: {} }] });
    const steps = await until(await aiAgent(config, ctx()), (nodeState) => ctx({ nodeState }));
    expect(steps.at(-1)).toMatchObject({ output: 'handoff', effects: [{ type: 'handoff' }], log: 'the tool "flaky" failed twice' });

    const limited = AiAgentConfig.parse({ ...config, maxToolCalls: 2 });
    next = () => ({ toolCalls: [{ name: 'lookup', arguments: { order_id: '1' } }] });
    const results = [await aiAgent(limited, ctx())];
    while (results.at(-1)!.repeat) results.push(await aiAgent(limited, ctx({ nodeState: results.at(-1)!.repeat!.nodeState })));
    expect(results.at(-1)).toMatchObject({ output: 'handoff', log: 'reached the limit of 2 tool calls' });

    const silent = await aiAgent(
      config,
      ctx({ nodeState: { transcript: [], pending: [], toolCalls: 0, failures: {} }, resume: { kind: 'timeout' } }),
    );
    expect(silent).toMatchObject({ output: 'handoff', effects: [{ type: 'handoff' }] });
  });

  it('hands off, saying why, when the AI is not set up or fails', async () => {
    const none = await aiAgent(config, makeContext({ message: { text: 'hi' } }));
    expect(none).toMatchObject({ output: 'handoff', log: 'AI is not connected: Settings → AI' });
    next = () => ({ status: 500 });
    const down = await aiAgent(config, ctx());
    expect(down).toMatchObject({ output: 'handoff', log: expect.stringMatching(/^AI unavailable: The AI provider answered 500/) });
  });

  it('checks the config contract', () => {
    const tool = { name: 'x', description: 'X.', request: { method: 'GET', url: 'https://a.example' } };
    expect(AiAgentConfig.safeParse({ instructions: 'i', tools: [tool] }).success).toBe(true);
    expect(AiAgentConfig.safeParse({ instructions: 'i', tools: [{ ...tool, action: { type: 'add_tag', tags: ['a'] } }] }).success).toBe(
      false,
    );
    expect(AiAgentConfig.safeParse({ instructions: 'i', tools: [{ ...tool, name: 'resolve' }] }).success).toBe(false);
    expect(AiAgentConfig.safeParse({ instructions: 'i', tools: [tool, tool] }).success).toBe(false);
    expect(
      AiAgentConfig.safeParse({ instructions: 'i', tools: [{ ...tool, parameters: { type: 'object', properties: {}, required: ['y'] } }] })
        .success,
    ).toBe(false);
  });
});

describe('isYes', () => {
  it('takes only a plain yes', () => {
    for (const t of ['yes', 'Yes please', 'OK, go ahead', 'sure!', 'Oui']) expect(isYes(t), t).toBe(true);
    for (const t of ['no', 'yes but use the other order', 'yes?', 'not yet', 'what is it?', '', 'maybe']) expect(isYes(t), t).toBe(false);
  });
});

describe('trimTranscript', () => {
  it('keeps the latest turns, starting at a customer message', () => {
    const turn = (i: number): AiChatMessage[] => [
      { role: 'user', content: `q${i}` },
      { role: 'assistant', content: null, toolCalls: [{ id: `c${i}`, name: 'lookup', arguments: '{}' }] },
      { role: 'tool', toolCallId: `c${i}`, content: '{}' },
      { role: 'assistant', content: `a${i}` },
    ];
    const long = Array.from({ length: 30 }, (_, i) => turn(i)).flat();
    const kept = trimTranscript(long);
    expect(kept.length).toBeLessThanOrEqual(MAX_TRANSCRIPT);
    expect(kept[0]).toEqual({ role: 'user', content: 'q15' });
    expect(kept.at(-1)).toEqual({ role: 'assistant', content: 'a29' });
    expect(trimTranscript(turn(1))).toEqual(turn(1));
  });
});
