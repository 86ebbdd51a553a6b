/**
 * Shared set-up of the AI agent scenarios: the scripted model for the broken-item story, a
 * customer on the generic `api` channel (signed webhooks in, replies POSTed to their callback),
 * and the workspace's AI and shop credential saved through the API as an owner would.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sha256Header } from '../../../packages/channels/src/signatures';
import { lastMessage, lastToolName, type ScriptedAnswer, type WireRequest } from '../../../packages/flow/src/testing/openai-tools-stand-in';
import { call, type Session, type TestContext } from './helpers';

const ORDER = /\b(\d{4,})\b/;

/** The order number the customer gave, in any of their messages so far. */
export function orderNumber(req: WireRequest): string | undefined {
  for (const m of [...req.messages].reverse())
    if (m.role === 'user' && m.content) {
      const hit = ORDER.exec(m.content);
      if (hit) return hit[1];
    }
  return undefined;
}

/** What the tool answered last, parsed (the agent sends `{status, body}` as JSON text). */
export function toolResult(req: WireRequest): { status?: number; body?: Record<string, unknown> } | undefined {
  try {
    return JSON.parse(lastMessage(req).content ?? '') as { status?: number; body?: Record<string, unknown> };
  } catch {
    return undefined;
  }
}

/** A model working the broken-item story with tools named by `names`, reading what the tools answer. */
export function brokenItemModel(names = { lookup: 'lookup_order', createReturn: 'create_return', ship: 'ship_replacement' }) {
  return (req: WireRequest): ScriptedAnswer => {
    const last = lastMessage(req);
    const order = orderNumber(req);
    if (last.role === 'user') {
      if (/\bno\b/i.test(last.content ?? '')) return { content: 'All right, I will leave it. Anything else I can do?' };
      return order
        ? { toolCalls: [{ name: names.lookup, arguments: { order_id: order } }] }
        : { content: 'Sorry to hear that! What is your order number?' };
    }
    const tool = lastToolName(req);
    const result = toolResult(req);
    if (tool === names.lookup) {
      if (result?.status !== 200)
        return {
          toolCalls: [
            {
              name: 'handoff',
              arguments: { reason: 'order not found', message: 'I could not find that order; a colleague will help you.' },
            },
          ],
        };
      return { toolCalls: [{ name: names.createReturn, arguments: { order_id: order, reason: 'arrived broken' } }] };
    }
    if (tool === names.createReturn) return { toolCalls: [{ name: names.ship, arguments: { order_id: order } }] };
    if (tool === names.ship) {
      const tracking = String(result?.body?.tracking_number ?? 'unknown');
      return { toolCalls: [{ name: 'resolve', arguments: { message: `Your replacement is on its way! Tracking number: ${tracking}` } }] };
    }
    return { toolCalls: [{ name: 'handoff', arguments: { reason: 'lost' } }] };
  };
}

/** The customer's side of an `api` channel: their callback URL receives the bot's replies. */
export async function startCallback(): Promise<{ url: string; received: { text?: string }[]; close(): Promise<void> }> {
  const received: { text?: string }[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      try {
        received.push(JSON.parse(raw) as { text?: string });
      } catch {
        received.push({});
      }
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/replies`,
    received,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export async function setUpWorkspace(
  ctx: TestContext,
  owner: Session,
  input: { aiBaseUrl: string; credential: { name: string; value: string; hosts: string[] }; callbackUrl: string },
) {
  const ai = await call(ctx.app, 'PATCH', '/api/workspace', {
    cookie: owner.cookie,
    body: { settings: { ai: { baseUrl: input.aiBaseUrl, model: 'agent-model', apiKey: 'sk-test-agent-key' } } },
  });
  if (ai.status !== 200) throw new Error(`AI settings: ${JSON.stringify(ai.body)}`);
  const cred = await call(ctx.app, 'POST', '/api/credentials', { cookie: owner.cookie, body: input.credential });
  if (cred.status !== 201) throw new Error(`credential: ${JSON.stringify(cred.body)}`);
  const channel = await call(ctx.app, 'POST', '/api/channels', {
    cookie: owner.cookie,
    body: { type: 'api', name: 'Shop API', config: { callbackUrl: input.callbackUrl } },
  });
  if (channel.status !== 201) throw new Error(`channel: ${JSON.stringify(channel.body)}`);
  return channel.body as { id: string; secret?: string };
}

/** The customer writes through the channel's real webhook, signed with the channel secret. */
export async function customerWrites(
  ctx: TestContext,
  channel: { id: string; secret?: string },
  from: string,
  text: string,
  id = `${from}-${Math.random().toString(36).slice(2)}`,
) {
  const raw = JSON.stringify({ id, from, text });
  const res = await ctx.app.request(`/webhooks/channels/${channel.id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-switchboard-signature': sha256Header(channel.secret!, raw) },
    body: raw,
  });
  if (res.status !== 200) throw new Error(`webhook: ${res.status} ${await res.text()}`);
}

/** A flow document with the tools' addresses pointed at `baseUrl` (as an owner fills in the template's checklist). */
export function pointToolsAt(definition: { nodes: { type: string; config: Record<string, unknown> }[] }, from: string, baseUrl: string) {
  for (const node of definition.nodes) {
    if (node.type !== 'action.ai_agent') continue;
    for (const tool of node.config.tools as { request?: { url: string } }[])
      if (tool.request) tool.request.url = tool.request.url.replace(from, baseUrl);
  }
  return definition;
}

export { botReplies, drain, expireTimers, runsOf } from './flow-helpers';

/** The template "Replace a broken item", imported, pointed at the shop stand-in and published, as an owner does. */
export async function publishBrokenItem(
  ctx: TestContext,
  owner: Session,
  shopBaseUrl: string,
): Promise<{ workflowId: string; requires: { kind: string }[] }> {
  const imported = await call(ctx.app, 'POST', '/api/templates/replace-broken-item/import', { cookie: owner.cookie });
  if (imported.status !== 201) throw new Error(`template import: ${JSON.stringify(imported.body)}`);
  const workflowId = imported.body.workflow.id as string;
  const definition = pointToolsAt(imported.body.workflow.definition, 'https://shop.example.com/api', shopBaseUrl);
  const saved = await call(ctx.app, 'PUT', `/api/workflows/${workflowId}`, { cookie: owner.cookie, body: { definition } });
  if (saved.status !== 200) throw new Error(`save: ${JSON.stringify(saved.body)}`);
  const published = await call(ctx.app, 'POST', `/api/workflows/${workflowId}/publish`, { cookie: owner.cookie });
  if (published.status !== 200) throw new Error(`publish: ${JSON.stringify(published.body)}`);
  return { workflowId, requires: imported.body.requires };
}
