import { randomBytes } from 'node:crypto';
import { sha256Header } from '../../../../packages/channels/src/signatures';
import { startStandIn, type StandIn, type StandInReply, type StandInRequest } from '../../../../packages/channels/src/testing/stand-in';
import { flow } from '../flow-helpers';
import { startServerProcess, type ServerProcess } from '../processes';

/** Shared steps of the fault soak: real server processes, a signed API channel, a callback stand-in. */

export interface HttpResult {
  status: number;
  body: any;
  headers: Headers;
  ms: number;
}

export async function http(
  base: string,
  method: string,
  path: string,
  options: { body?: unknown; cookie?: string; raw?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.cookie) {
    headers.cookie = options.cookie;
    // A browser's same-origin request: signed-in writes need it (CSRF check).
    headers.origin ??= base;
  }
  const started = Date.now();
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // keep the text
  }
  return { status: res.status, body, headers: res.headers, ms: Date.now() - started };
}

/** The customer's system behind the API channel: records every signed reply we POST to it. */
export interface Callback {
  standIn: StandIn;
  url: string;
  /** Replies in arrival order: our outbound message id, the recipient and the text. */
  replies: () => { id: string; to: string; text: string }[];
}

export async function startCallback(
  handler: (req: StandInRequest) => StandInReply | Promise<StandInReply> = () => ({ json: { ok: true } }),
): Promise<Callback> {
  const standIn = await startStandIn(handler);
  return {
    standIn,
    url: `${standIn.baseUrl}/hook`,
    replies: () => standIn.requests.filter((r) => r.path === '/hook').map((r) => r.json() as { id: string; to: string; text: string }),
  };
}

export interface Workspace {
  cookie: string;
  channelId: string;
  secret: string;
}

/** Signs up, connects an API channel calling `callbackUrl`, through the given API process. */
export async function setUpWorkspace(api: string, callbackUrl: string): Promise<Workspace> {
  const email = `soak-${randomBytes(4).toString('hex')}@example.com`;
  const signed = await http(api, 'POST', '/api/auth/signup', {
    body: { email, password: 'correct horse battery', name: 'Soak', workspaceName: 'Soak shop' },
  });
  if (signed.status !== 201) throw new Error(`signup: ${signed.status} ${JSON.stringify(signed.body)}`);
  const cookie = (signed.headers.get('set-cookie') ?? '').split(';')[0]!;
  const channel = await http(api, 'POST', '/api/channels', { cookie, body: { type: 'api', name: 'API', config: { callbackUrl } } });
  if (channel.status !== 201) throw new Error(`channel: ${channel.status} ${JSON.stringify(channel.body)}`);
  return { cookie, channelId: channel.body.id, secret: channel.body.secret };
}

/** A flow that answers every message starting with `keyword` with `<label>: <the text>`. */
export function echoFlow(label: string, keyword = 'msg') {
  return flow(
    [
      { id: 't', type: 'trigger.message_received', config: { keywords: [keyword], onlyWhenBot: false } },
      { id: 'reply', type: 'action.send_message', config: { text: `${label}: {{ message.text }}` } },
    ],
    [{ source: 't', target: 'reply' }],
  );
}

export async function createAndPublish(api: string, cookie: string, name: string, definition: unknown): Promise<string> {
  const created = await http(api, 'POST', '/api/workflows', { cookie, body: { name, definition } });
  if (created.status !== 201) throw new Error(`create flow: ${JSON.stringify(created.body)}`);
  await publish(api, cookie, created.body.id);
  return created.body.id;
}

export async function publish(api: string, cookie: string, id: string) {
  const published = await http(api, 'POST', `/api/workflows/${id}/publish`, { cookie, body: {} });
  if (published.status !== 200) throw new Error(`publish: ${JSON.stringify(published.body)}`);
}

/** A signed inbound message on the API channel, the way the customer's system sends it. */
export async function sendInbound(
  api: string,
  ws: Workspace,
  message: { id: string; from: string; text: string },
  timeoutMs = 30_000,
): Promise<HttpResult> {
  const raw = JSON.stringify(message);
  return http(api, 'POST', `/webhooks/channels/${ws.channelId}`, {
    raw,
    timeoutMs,
    headers: { 'content-type': 'application/json', 'x-switchboard-signature': sha256Header(ws.secret, raw) },
  });
}

export async function startRoles(
  databaseUrl: string,
  roles: ('api' | 'worker' | 'all')[],
  env: Record<string, string> = {},
): Promise<ServerProcess[]> {
  // One at a time: the first migrates, and two cores boot four tsx processes slowly at once.
  const out: ServerProcess[] = [];
  for (const role of roles)
    out.push(
      await startServerProcess({ ROLE: role, DATABASE_URL: databaseUrl, WORKER_CONCURRENCY: '8', DATABASE_POOL_SIZE: '10', ...env }),
    );
  return out;
}

/** Replies grouped by recipient, and the texts answered more than once. */
export function tally(replies: { id: string; to: string; text: string }[]) {
  const byText = new Map<string, number>();
  const byId = new Map<string, number>();
  const byRecipient = new Map<string, string[]>();
  for (const r of replies) {
    byText.set(r.text, (byText.get(r.text) ?? 0) + 1);
    byId.set(r.id, (byId.get(r.id) ?? 0) + 1);
    byRecipient.set(r.to, [...(byRecipient.get(r.to) ?? []), r.text]);
  }
  return {
    byRecipient,
    answeredTexts: new Set(byText.keys()),
    duplicatedTexts: [...byText].filter(([, n]) => n > 1).map(([t]) => t),
    duplicatedIds: [...byId].filter(([, n]) => n > 1).map(([id]) => id),
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
