import { createEgressGuard } from '@switchboard/egress';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiStandIn, type StandIn } from '../testing/openai-stand-in';
import { createAiClient } from './ai';

// The stand-in listens on 127.0.0.1, opened here as an operator would with EGRESS_ALLOW.
const localEgress = createEgressGuard({ allow: ['127.0.0.1'] });
let standIn: StandIn;
beforeAll(async () => {
  standIn = await startOpenAiStandIn((messages) =>
    messages.at(-1)?.content === 'fail' ? { status: 503 } : `echo: ${messages.at(-1)?.content}`,
  );
});
afterAll(() => standIn.close());

describe('createAiClient', () => {
  it('calls chat completions with the model, key and messages', async () => {
    const ai = createAiClient({ baseUrl: standIn.baseUrl, apiKey: 'sk-test', model: 'small-model', egress: localEgress });
    expect(
      await ai({
        messages: [
          { role: 'system', content: 'be brief' },
          { role: 'user', content: 'hi' },
        ],
      }),
    ).toBe('echo: hi');
    const last = standIn.requests.at(-1);
    expect(last?.body.model).toBe('small-model');
    expect(last?.headers.authorization).toBe('Bearer sk-test');
    expect(last?.body.messages).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'hi' },
    ]);
  });

  it('throws on a provider error so the job retries', async () => {
    const ai = createAiClient({ baseUrl: standIn.baseUrl, apiKey: 'sk-test', model: 'm', egress: localEgress });
    await expect(ai({ messages: [{ role: 'user', content: 'fail' }] })).rejects.toThrow(/503/);
  });
});

describe('createAiClient through the egress guard', () => {
  it('refuses a base URL at a private address the operator did not open, without a connection', async () => {
    const before = standIn.requests.length;
    const ai = createAiClient({ baseUrl: standIn.baseUrl, apiKey: 'sk-test', model: 'm', egress: createEgressGuard() });
    await expect(ai({ messages: [{ role: 'user', content: 'hi' }] })).rejects.toThrow('Refused: 127.0.0.1 is a private address');
    const byName = createAiClient({
      baseUrl: standIn.baseUrl.replace('127.0.0.1', 'localhost'),
      apiKey: 'sk-test',
      model: 'm',
      egress: createEgressGuard(),
    });
    await expect(byName({ messages: [{ role: 'user', content: 'hi' }] })).rejects.toThrow('Refused: localhost is a private address');
    expect(standIn.requests.length).toBe(before);
  });
});

describe('createAiClient errors', () => {
  it("reports a status and the provider's short message, never a raw body, and follows no redirect", async () => {
    const server = createServer((req, res) => {
      if (req.url?.includes('/moved/')) {
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
        return void res.end();
      }
      if (req.url?.includes('/json/')) {
        res.writeHead(429, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ error: { message: 'Rate limit reached\n for requests', type: 'rate_limit' } }));
      }
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html>SSH-2.0-OpenSSH_9.6 internal admin panel</html>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const ask = (path: string) =>
      createAiClient({ baseUrl: `${base}${path}`, apiKey: 'k', model: 'm', egress: localEgress })({
        messages: [{ role: 'user', content: 'hi' }],
      });
    await expect(ask('/raw/v1')).rejects.toThrow(/^The AI provider answered 404$/);
    await expect(ask('/json/v1')).rejects.toThrow(/^The AI provider answered 429: Rate limit reached for requests$/);
    await expect(ask('/moved/v1')).rejects.toThrow(/^The AI provider answered 302: redirects are not followed$/);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
