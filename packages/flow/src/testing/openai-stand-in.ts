/**
 * A local HTTP server speaking OpenAI's chat completions protocol (`POST /v1/chat/completions`),
 * answering with `answer(messages)`; records requests so tests can look at the prompt.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AiMessage } from '../types';

export interface StandIn {
  baseUrl: string;
  requests: { headers: Record<string, unknown>; body: { model: string; messages: AiMessage[] } }[];
  close(): Promise<void>;
}

export async function startOpenAiStandIn(answer: (messages: AiMessage[]) => string | { status: number }): Promise<StandIn> {
  const requests: StandIn['requests'] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }));
      }
      const body = JSON.parse(raw) as StandIn['requests'][number]['body'];
      requests.push({ headers: req.headers, body });
      const out = answer(body.messages);
      if (typeof out !== 'string') {
        res.writeHead(out.status, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ error: { message: 'upstream trouble', type: 'server_error' } }));
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'chatcmpl-1',
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: body.model,
          choices: [{ index: 0, message: { role: 'assistant', content: out }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}/v1`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
