/**
 * The `ai` service: any OpenAI-compatible chat completions endpoint (OpenAI, Azure-style
 * proxies, Ollama, vLLM, ...), chosen by base URL. The base URL is the owner's to set, so the
 * client connects only through the egress guard, follows no redirect, and reports a failure as a
 * status and the provider's own short message: never a raw body, which from a host that is not
 * an AI provider would hand its contents to whoever reads the run log. No retries here: a
 * provider fault throws and the job's own backoff retries it.
 */
import { findRefusal, type EgressGuard } from '@switchboard/egress';
import OpenAI from 'openai';
import type { AiMessage } from '../types';

export interface AiClientOptions {
  baseUrl?: string;
  apiKey: string;
  model: string;
  /** The process's egress guard; every connection to the provider goes through it. */
  egress: EgressGuard;
  timeoutMs?: number;
  temperature?: number;
  maxTokens?: number;
}

export type AiClient = (req: { messages: AiMessage[]; signal?: AbortSignal }) => Promise<string>;

const MAX_REASON = 200;

/** The provider answered with an error status; the message holds the status and its short reason. */
export class AiProviderError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'AiProviderError';
  }
}

/** Creates the `ai` service answering with the first choice's text. */
export function createAiClient(options: AiClientOptions): AiClient {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const client = new OpenAI({
    baseURL: options.baseUrl,
    apiKey: options.apiKey,
    timeout: timeoutMs,
    maxRetries: 0,
    fetch: options.egress.fetch,
  });
  return async ({ messages, signal }) => {
    if (options.baseUrl) options.egress.assertUrl(options.baseUrl);
    try {
      const completion = await client.chat.completions.create(
        {
          model: options.model,
          messages,
          temperature: options.temperature ?? 0.2,
          ...(options.maxTokens ? { max_tokens: options.maxTokens } : {}),
        },
        signal ? { signal } : undefined,
      );
      return completion.choices[0]?.message?.content ?? '';
    } catch (err) {
      throw shortError(err, timeoutMs);
    }
  };
}

/** A provider failure as a short message: its status and its own reason, never a raw body. */
export function shortError(err: unknown, timeoutMs: number): Error {
  const refusal = findRefusal(err);
  if (refusal) return refusal;
  if (err instanceof OpenAI.APIConnectionTimeoutError) return new Error(`The AI provider did not answer within ${timeoutMs} ms`);
  if (err instanceof OpenAI.APIConnectionError) return new Error('The AI provider could not be reached');
  if (err instanceof OpenAI.APIError && err.status !== undefined) {
    if (err.status >= 300 && err.status < 400)
      return new AiProviderError(`The AI provider answered ${err.status}: redirects are not followed`, err.status);
    const said = (err.error as { message?: unknown } | undefined)?.message;
    const reason = typeof said === 'string' ? said.replace(/\s+/g, ' ').trim().slice(0, MAX_REASON) : '';
    return new AiProviderError(`The AI provider answered ${err.status}${reason ? `: ${reason}` : ''}`, err.status);
  }
  return err instanceof Error ? err : new Error(String(err));
}
