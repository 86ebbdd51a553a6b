import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiStandIn, type StandIn } from '../testing/openai-stand-in';
import { createAiClient } from './ai';

let standIn: StandIn;
beforeAll(async () => {
  standIn = await startOpenAiStandIn((messages) => (messages.at(-1)?.content === 'fail' ? { status: 503 } : `echo: ${messages.at(-1)?.content}`));
});
afterAll(() => standIn.close());

describe('createAiClient', () => {
  it('calls chat completions with the model, key and messages', async () => {
    const ai = createAiClient({ baseUrl: standIn.baseUrl, apiKey: 'sk-test', model: 'small-model' });
    expect(await ai({ messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }] })).toBe('echo: hi');
    const last = standIn.requests.at(-1);
    expect(last?.body.model).toBe('small-model');
    expect(last?.headers.authorization).toBe('Bearer sk-test');
    expect(last?.body.messages).toEqual([{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }]);
  });

  it('throws on a provider error so the job retries', async () => {
    const ai = createAiClient({ baseUrl: standIn.baseUrl, apiKey: 'sk-test', model: 'm' });
    await expect(ai({ messages: [{ role: 'user', content: 'fail' }] })).rejects.toThrow(/503/);
  });
});
