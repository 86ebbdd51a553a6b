import { createEgressGuard } from '@switchboard/egress';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAiChatClient } from '../../runtime/ai-chat';
import { simulateFlow } from '../../runtime/simulate';
import { lastMessage, lastToolName, startOpenAiToolsStandIn, type ToolsStandIn } from '../../testing/openai-tools-stand-in';
import type { HttpRequest } from '../../types';

/**
 * The agent in the simulator: the model is really asked, HTTP tools answer with their own sample
 * (nothing is sent), except a GET tool marked "call for real"; each pass is a step of the path.
 */
let model: ToolsStandIn;
let aiChat: ReturnType<typeof createAiChatClient>;
beforeAll(async () => {
  model = await startOpenAiToolsStandIn((req) => {
    const tool = lastToolName(req);
    if (lastMessage(req).role === 'user') return { toolCalls: [{ name: 'stock', arguments: { sku: 'MUG' } }] };
    if (tool === 'stock') return { toolCalls: [{ name: 'reserve', arguments: { sku: 'MUG' } }] };
    if (tool === 'reserve') return { toolCalls: [{ name: 'resolve', arguments: { message: `Reserved: ${lastMessage(req).content}` } }] };
    return { content: '?' };
  });
  aiChat = createAiChatClient({ baseUrl: model.baseUrl, apiKey: 'k', model: 'm', egress: createEgressGuard({ allow: ['127.0.0.1'] }) });
});
afterAll(() => model.close());

const doc = (callForReal: boolean) => ({
  schemaVersion: 1,
  nodes: [
    { id: 't', type: 'trigger.message_received', position: { x: 0, y: 0 }, config: {} },
    {
      id: 'agent',
      type: 'action.ai_agent',
      position: { x: 0, y: 100 },
      config: {
        instructions: 'Reserve mugs.',
        useKnowledge: false,
        tools: [
          {
            name: 'stock',
            description: 'Stock of a SKU.',
            parameters: { type: 'object', properties: { sku: { type: 'string' } } },
            request: {
              method: 'GET',
              url: 'https://shop.example/stock/{{ args.sku }}',
              callForReal,
              testResponse: { status: 200, body: '{"in_stock": 3}' },
            },
          },
          {
            name: 'reserve',
            description: 'Reserve a SKU.',
            parameters: { type: 'object', properties: { sku: { type: 'string' } } },
            request: {
              method: 'POST',
              url: 'https://shop.example/reserve',
              callForReal: true,
              testResponse: { status: 201, body: '{"reservation": "SAMPLE-1"}' },
            },
          },
        ],
      },
    },
    { id: 'end', type: 'action.end', position: { x: 0, y: 200 }, config: {} },
  ],
  edges: [
    { id: 'e1', source: 't', target: 'agent' },
    { id: 'e2', source: 'agent', sourceHandle: 'resolved', target: 'end' },
  ],
});

describe('action.ai_agent in the simulator', () => {
  it('asks the model and answers each tool with its own sample; only a GET marked "call for real" is sent', async () => {
    const sent: HttpRequest[] = [];
    const http = async (req: HttpRequest) => {
      sent.push(req);
      return { status: 200, headers: {}, body: '{"in_stock": 42}' };
    };
    const sampled = await simulateFlow(doc(false), { messages: ['Reserve a mug'], services: { aiChat, http } });
    expect(sampled.status).toBe('completed');
    expect(sent).toEqual([]);
    expect(sampled.replies.map((r) => r.text)).toEqual(['Reserved: {"status":201,"body":{"reservation":"SAMPLE-1"}}']);
    expect(sampled.path.map((p) => [p.nodeId, p.note ?? null])).toEqual([
      ['t', null],
      ['agent', null],
      ['agent', 'Sample response used (no request sent)'],
      ['agent', null],
      ['agent', 'Sample response used (no request sent)'],
      ['agent', null],
      ['agent', null],
      ['end', null],
    ]);
    expect(model.requests.at(-1)!.messages.find((m) => m.role === 'tool')?.content).toBe('{"status":200,"body":{"in_stock":3}}');

    await simulateFlow(doc(true), { messages: ['Reserve a mug'], services: { aiChat, http } });
    // The GET went out for real; the POST, though marked, answered with its sample.
    expect(sent.map((r) => [r.method, r.url])).toEqual([['GET', 'https://shop.example/stock/MUG']]);
    expect(sent[0]).not.toHaveProperty('sample');
  });
});
