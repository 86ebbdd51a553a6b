/**
 * Settings → AI through HTTP: the owner saves a base URL, model and key, "Test connection" sends
 * one chat completion to an OpenAI-compatible stand-in on 127.0.0.1 and answers its reply, or the
 * provider's status and short message (never its body). A passing test is what "AI connected"
 * means; any change of address, model or key makes it stale. Agents may not test; the key never
 * comes back. A flow's AI step with nothing connected says so on the run.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestContext, signup, type Session, type TestContext } from './helpers';
import { createWebchat, customerSays, drain, flow, publishFlow, runsOf } from './flow-helpers';
import { agentSession, apiKey } from './trust-fixtures';

type Answer = { status: number; body: string; type?: string };
type Seen = { url: string; headers: IncomingHttpHeaders; body: { model?: string; messages?: { role: string; content: string }[] } };

/** An OpenAI-compatible provider whose next answers the test decides; it records every request. */
async function provider() {
  const seen: Seen[] = [];
  let answer: Answer = chat('Hello! Yes, I can hear you.');
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers, body: raw ? JSON.parse(raw) : {} });
      res.writeHead(answer.status, { 'content-type': answer.type ?? 'application/json' });
      res.end(answer.body);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    seen,
    baseUrl: `http://127.0.0.1:${port}/v1`,
    answer: (next: Answer) => void (answer = next),
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

function chat(content: string): Answer {
  const body = {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'bakery-model',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
  };
  return { status: 200, body: JSON.stringify(body) };
}

const KEY = 'sk-bakery-secret-key-0042';
// What a provider may put beside its message: the response must never carry it.
const TRACE = 'internal-trace-7f3a-do-not-show';

let ctx: TestContext;
let ai: Awaited<ReturnType<typeof provider>>;
beforeAll(async () => {
  ctx = await createTestContext();
  ai = await provider();
});
afterAll(async () => {
  await ai.close();
  await ctx.close();
});

const as = (who: Session, method: string, path: string, body?: unknown) =>
  call(ctx.app, method, path, { cookie: who.cookie, ...(body ? { body } : {}) });
const test = (who: Session) => as(who, 'POST', '/api/workspace/ai/test');
const aiSettings = async (who: Session) => (await as(who, 'GET', '/api/workspace')).body.settings.ai;

describe('Test connection', () => {
  it('answers the model reply, records the pass, and never shows the key', async () => {
    const owner = await signup(ctx.app, 'Rosa');
    const saved = await as(owner, 'PATCH', '/api/workspace', {
      settings: { ai: { baseUrl: ai.baseUrl, model: 'bakery-model', apiKey: KEY } },
    });
    expect(saved.status).toBe(200);
    expect(saved.body.settings.ai).toEqual({ baseUrl: ai.baseUrl, model: 'bakery-model', apiKeySet: true });

    ai.answer(chat('Hello! Yes, I can hear you.'));
    const result = await test(owner);
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ ok: true, model: 'bakery-model', reply: 'Hello! Yes, I can hear you.', testedOkAt: expect.any(String) });
    // One short chat completion, with the saved model and key, to the saved address.
    const sent = ai.seen.at(-1)!;
    expect(sent.url).toBe('/v1/chat/completions');
    expect(sent.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent.body.model).toBe('bakery-model');
    expect(sent.body.messages?.at(-1)).toEqual({ role: 'user', content: 'Hello! Can you hear me?' });

    const settings = await aiSettings(owner);
    expect(settings).toEqual({ baseUrl: ai.baseUrl, model: 'bakery-model', apiKeySet: true, testedOkAt: result.body.testedOkAt });
    const me = await as(owner, 'GET', '/api/me');
    expect(me.body.workspace.settings.ai.testedOkAt).toBe(result.body.testedOkAt);
    const everything = [
      saved,
      result,
      me,
      await as(owner, 'GET', '/api/workspace'),
      await as(owner, 'GET', '/api/credentials'),
      await as(owner, 'GET', '/api/audit-log'),
    ];
    for (const r of everything) expect(JSON.stringify(r.body)).not.toContain(KEY);
  });

  it('shows a 401 as its status and the provider short message, without the body, and is no longer connected', async () => {
    const owner = await signup(ctx.app, 'Wrong Key');
    await as(owner, 'PATCH', '/api/workspace', { settings: { ai: { baseUrl: ai.baseUrl, apiKey: KEY } } });
    ai.answer(chat('Hi!'));
    expect((await test(owner)).body.ok).toBe(true);

    ai.answer({
      status: 401,
      body: JSON.stringify({
        error: { message: 'Incorrect API key provided: sk-bak***0042.', type: 'invalid_request_error', code: 'invalid_api_key' },
        trace: TRACE,
      }),
    });
    const refused = await test(owner);
    expect(refused.status).toBe(200);
    expect(refused.body).toEqual({
      ok: false,
      model: 'gpt-4o-mini',
      status: 401,
      message: 'The AI provider answered 401: Incorrect API key provided: sk-bak***0042.',
    });
    expect(JSON.stringify(refused.body)).not.toContain(TRACE);
    expect((await aiSettings(owner)).testedOkAt).toBeUndefined();

    // A body that is not JSON (a proxy's HTML page) gives the status alone.
    ai.answer({ status: 401, type: 'text/html', body: `<html><body>Unauthorized ${TRACE}</body></html>` });
    const html = await test(owner);
    expect(html.body).toEqual({ ok: false, model: 'gpt-4o-mini', status: 401, message: 'The AI provider answered 401' });

    // A 200 that is not a chat completion (the base URL of some other service) is described, not quoted.
    ai.answer({ status: 200, body: JSON.stringify({ page: TRACE }) });
    const other = await test(owner);
    expect(other.body.ok).toBe(false);
    expect(other.body.message).toMatch(/did not answer like an OpenAI-compatible chat API/);
    expect(JSON.stringify(other.body)).not.toContain(TRACE);
  });

  it('asks for a key first when nothing is set up', async () => {
    const owner = await signup(ctx.app, 'Fresh');
    const calls = ai.seen.length;
    const result = await test(owner);
    expect(result.body).toEqual({ ok: false, model: 'gpt-4o-mini', message: 'Enter your API key first, then test the connection.' });
    expect(ai.seen.length).toBe(calls);
  });

  it('is stale after the model, the address or the key changes, or the key is removed', async () => {
    const owner = await signup(ctx.app, 'Changes');
    const pass = async () => {
      ai.answer(chat('Hello!'));
      expect((await test(owner)).body.ok).toBe(true);
      expect((await aiSettings(owner)).testedOkAt).toEqual(expect.any(String));
    };
    await as(owner, 'PATCH', '/api/workspace', { settings: { ai: { baseUrl: ai.baseUrl, apiKey: KEY } } });
    await pass();
    await as(owner, 'PATCH', '/api/workspace', { settings: { ai: { model: 'another-model' } } });
    expect((await aiSettings(owner)).testedOkAt).toBeUndefined();
    await pass();
    await as(owner, 'PATCH', '/api/workspace', { settings: { ai: { apiKey: 'sk-a-new-key' } } });
    expect((await aiSettings(owner)).testedOkAt).toBeUndefined();
    await pass();
    await as(owner, 'PATCH', '/api/workspace', { settings: { ai: { baseUrl: ai.baseUrl.replace('127.0.0.1', 'localhost') } } });
    expect(await aiSettings(owner)).toMatchObject({ apiKeySet: false });
    expect((await aiSettings(owner)).testedOkAt).toBeUndefined();
    await as(owner, 'PATCH', '/api/workspace', { settings: { ai: { apiKey: KEY } } });
    await pass();
    expect((await as(owner, 'DELETE', '/api/credentials/ai')).status).toBe(204);
    expect((await aiSettings(owner)).testedOkAt).toBeUndefined();
  });
});

describe('who may test', () => {
  it('refuses agents, with a session or an agent API key, and sends nothing', async () => {
    const owner = await signup(ctx.app, 'Boss');
    await as(owner, 'PATCH', '/api/workspace', { settings: { ai: { baseUrl: ai.baseUrl, apiKey: KEY } } });
    const agent = await agentSession(ctx, ctx.app, owner.workspaceId);
    const key = await apiKey(ctx.app, owner, 'agent');
    const calls = ai.seen.length;
    const bySession = await test(agent);
    const byKey = await call(ctx.app, 'POST', '/api/workspace/ai/test', { token: key.key });
    expect([bySession.status, byKey.status]).toEqual([403, 403]);
    expect(bySession.body.error.code).toBe('forbidden');
    expect(ai.seen.length).toBe(calls);
    expect((await call(ctx.app, 'POST', '/api/workspace/ai/test')).status).toBe(401);
    expect(JSON.stringify((await as(agent, 'GET', '/api/workspace')).body)).not.toContain(KEY);
  });
});

describe('an AI step with nothing connected', () => {
  it('says on the run that AI is not connected and where to connect it', async () => {
    const owner = await signup(ctx.app, 'No AI');
    const definition = flow(
      [
        { id: 't', type: 'trigger.message_received' },
        { id: 'ai', type: 'action.ai_reply', config: { useKnowledge: false } },
      ],
      [{ source: 't', target: 'ai' }],
    );
    const workflowId = await publishFlow(ctx, owner, definition, 'AI desk');
    const channel = await createWebchat(ctx, owner.workspaceId);
    await customerSays(ctx, channel, 'visitor-1', 'Do you make gluten-free bread?');
    await drain(ctx);
    const [run] = await runsOf(ctx, workflowId);
    const detail = await as(owner, 'GET', `/api/runs/${run!.id}`);
    const step = detail.body.steps.find((s: { nodeId: string }) => s.nodeId === 'ai');
    expect(step.output).toMatchObject({ output: 'handoff', log: 'AI is not connected: Settings → AI' });
  });
});
