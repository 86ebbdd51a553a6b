/**
 * The `aiChat` service: OpenAI-compatible chat completions with `tools`, for the AI agent. The
 * same connection rules as the plain `ai` service (ai.ts): the egress guard's fetch, no redirect,
 * no retry here (the job retries), failures reported short.
 */
import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { AiChatAnswer, AiChatMessage, AiTool } from '../types';
import { shortError, type AiClientOptions } from './ai';

export type AiChatClient = (req: { messages: AiChatMessage[]; tools: AiTool[]; signal?: AbortSignal }) => Promise<AiChatAnswer>;

function toWire(message: AiChatMessage): ChatCompletionMessageParam {
  switch (message.role) {
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
    case 'assistant':
      return {
        role: 'assistant',
        content: message.content,
        ...(message.toolCalls?.length
          ? {
              tool_calls: message.toolCalls.map((c) => ({
                id: c.id,
                type: 'function' as const,
                function: { name: c.name, arguments: c.arguments },
              })),
            }
          : {}),
      };
    default:
      return { role: message.role, content: message.content };
  }
}

/** Creates the `aiChat` service: the first choice's text and function calls. */
export function createAiChatClient(options: AiClientOptions): AiChatClient {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const client = new OpenAI({
    baseURL: options.baseUrl,
    apiKey: options.apiKey,
    timeout: timeoutMs,
    maxRetries: 0,
    fetch: options.egress.fetch,
  });
  return async ({ messages, tools, signal }) => {
    if (options.baseUrl) options.egress.assertUrl(options.baseUrl);
    const wireTools: ChatCompletionTool[] = tools.map((t) => ({
      type: 'function',
      function: { name: t.name, description: t.description, parameters: t.parameters },
    }));
    try {
      const completion = await client.chat.completions.create(
        {
          model: options.model,
          messages: messages.map(toWire),
          temperature: options.temperature ?? 0.2,
          ...(wireTools.length ? { tools: wireTools } : {}),
          ...(options.maxTokens ? { max_tokens: options.maxTokens } : {}),
        },
        signal ? { signal } : undefined,
      );
      const message = completion.choices[0]?.message;
      const toolCalls = (message?.tool_calls ?? []).flatMap((c) =>
        c.type === 'function' ? [{ id: c.id, name: c.function.name, arguments: c.function.arguments }] : [],
      );
      return { content: message?.content ?? null, toolCalls };
    } catch (err) {
      throw shortError(err, timeoutMs);
    }
  };
}
