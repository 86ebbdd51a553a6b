/**
 * The `ai` service: any OpenAI-compatible chat completions endpoint (OpenAI, Azure-style
 * proxies, Ollama, vLLM, ...), chosen by base URL. No retries here: a provider fault throws and
 * the job's own backoff retries it.
 */
import OpenAI from 'openai';
import type { AiMessage } from '../types';

export interface AiClientOptions {
  baseUrl?: string;
  apiKey: string;
  model: string;
  timeoutMs?: number;
  temperature?: number;
  maxTokens?: number;
}

export type AiClient = (req: { messages: AiMessage[]; signal?: AbortSignal }) => Promise<string>;

/** Creates the `ai` service answering with the first choice's text. */
export function createAiClient(options: AiClientOptions): AiClient {
  const client = new OpenAI({ baseURL: options.baseUrl, apiKey: options.apiKey, timeout: options.timeoutMs ?? 30_000, maxRetries: 0 });
  return async ({ messages, signal }) => {
    const completion = await client.chat.completions.create({
      model: options.model,
      messages,
      temperature: options.temperature ?? 0.2,
      ...(options.maxTokens ? { max_tokens: options.maxTokens } : {}),
    }, signal ? { signal } : undefined);
    return completion.choices[0]?.message?.content ?? '';
  };
}
