/**
 * A local HTTP server speaking OpenAI's chat completions protocol with tools: each request
 * (`POST /v1/chat/completions` with `messages` and `tools`) is answered by the test's script with
 * text, `tool_calls`, an error status, or no answer at all (a provider that hangs). Records every
 * request so tests can read what the model was shown.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WireMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string | null;
  tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
  tool_call_id?: string;
}

export interface WireRequest {
  model: string;
  messages: WireMessage[];
  tools?: { type: 'function'; function: { name: string; description?: string; parameters?: unknown } }[];
}

export type ScriptedAnswer =
  | { content: string }
  | { toolCalls: { name: string; arguments: Record<string, unknown> }[]; content?: string }
  | { status: number }
  | 'hang';

export interface ToolsStandIn {
  baseUrl: string;
  requests: WireRequest[];
  close(): Promise<void>;
}

let callNumber = 0;

export async function startOpenAiToolsStandIn(script: (req: WireRequest) => ScriptedAnswer): Promise<ToolsStandIn> {
  const requests: WireRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }));
      }
      const body = JSON.parse(raw) as WireRequest;
      requests.push(body);
      const out = script(body);
      if (out === 'hang') return void hanging.add(res);
      if ('status' in out) {
        res.writeHead(out.status, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ error: { message: 'upstream trouble', type: 'server_error' } }));
      }
      const toolCalls =
        'toolCalls' in out
          ? out.toolCalls.map((c) => ({
              id: `call_${++callNumber}`,
              type: 'function',
              function: { name: c.name, arguments: JSON.stringify(c.arguments) },
            }))
          : undefined;
      const message = { role: 'assistant', content: out.content ?? null, ...(toolCalls ? { tool_calls: toolCalls } : {}) };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: `chatcmpl-${requests.length}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: body.model,
          choices: [{ index: 0, message, finish_reason: toolCalls ? 'tool_calls' : 'stop' }],
          usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** The messages after the system prompt, as the script reads them: the last one and the tool results. */
export function lastMessage(req: WireRequest): WireMessage {
  return req.messages[req.messages.length - 1]!;
}

/** The name of the tool whose result is the last message, when it is one. */
export function lastToolName(req: WireRequest): string | undefined {
  const last = lastMessage(req);
  if (last.role !== 'tool') return undefined;
  for (const m of req.messages) for (const c of m.tool_calls ?? []) if (c.id === last.tool_call_id) return c.function.name;
  return undefined;
}
