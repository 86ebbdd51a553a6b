import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { DEFAULT_PIPELINE_LANES } from '@switchboard/db';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/testing';
import { createApp } from '../src/app';
import type { Config } from '../src/config';
import type { AppDeps } from '../src/context';
import { EventBus } from '../src/events/bus';
import { ActiveFlowCache } from '../src/flows/active-flows';
import { defaultTuning, runQueueHere, type QueueRunner } from '../src/queue/runner';
import { createTaskList } from '../src/tasks';

export interface TestContext {
  database: TestDatabase;
  deps: AppDeps;
  app: ReturnType<typeof createApp>;
  /** The job runner, as a process of role `all` runs it; absent with `{ jobs: 'by-hand' }`. */
  runner?: QueueRunner;
  close(): Promise<void>;
}

export interface ContextOptions {
  /**
   * `run` (the default): jobs run as in production, on the runner a process of role `all` starts.
   * `by-hand`: no runner; the test runs due jobs itself with drain() (flow-helpers.ts), to look at
   * what is stored before a job runs.
   */
  jobs?: 'run' | 'by-hand';
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    port: 0,
    dataDir: '/nonexistent',
    publicUrl: 'http://switchboard.test',
    appSecret: randomBytes(32),
    role: 'all',
    logLevel: 'silent',
    workerConcurrency: 4,
    poolSize: 10,
    pipelineLanes: DEFAULT_PIPELINE_LANES,
    // Tests sign up many tenants on one database; accounts.test.ts covers the closed default.
    signup: 'open',
    // Provider stand-ins listen on loopback, opened as an operator opens a LAN service.
    egressAllow: ['127.0.0.1', 'localhost', '::1'],
    ...overrides,
  };
}

/** A real app on a fresh database of this test file's own. */
export async function createTestContext(overrides: Partial<Config> = {}, options: ContextOptions = {}): Promise<TestContext> {
  const database = await createTestDatabase();
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const events = new EventBus(database.pool, logger);
  await events.start();
  const activeFlows = new ActiveFlowCache(database.db, events);
  const deps: AppDeps = { config: testConfig(overrides), db: database.db, pool: database.pool, logger, events, activeFlows };
  const app = createApp(deps);
  const runner =
    options.jobs === 'by-hand' ? undefined : await runQueueHere(deps, createTaskList(deps), defaultTuning(deps.config.workerConcurrency));
  return {
    database,
    deps,
    app,
    ...(runner && { runner }),
    close: async () => {
      await runner?.stop();
      activeFlows.close();
      await events.stop();
      await database.drop();
    },
  };
}

export interface Session {
  cookie: string;
  userId: string;
  workspaceId: string;
  email: string;
}

type Fetchable = { request: (path: string, init?: RequestInit) => Response | Promise<Response> };

/** Signs a new owner up and returns its session cookie. */
export async function signup(app: Fetchable, name = 'Owner'): Promise<Session> {
  const email = `${name.toLowerCase().replace(/\W/g, '')}-${randomBytes(4).toString('hex')}@example.com`;
  const res = await app.request('/api/auth/signup', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'correct horse battery', name, workspaceName: `${name}'s shop` }),
  });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { user: { id: string }; workspace: { id: string } };
  return { cookie: cookieFrom(res), userId: body.user.id, workspaceId: body.workspace.id, email };
}

export function cookieFrom(res: Response): string {
  const raw = res.headers.get('set-cookie') ?? '';
  return raw.split(';')[0] ?? '';
}

/** JSON request helper: `call(app, 'POST', '/api/x', {body, cookie|token})`. */
export async function call(
  app: Fetchable,
  method: string,
  path: string,
  options: { body?: unknown; cookie?: string; token?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any; res: Response }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] ??= 'application/json';
  if (options.cookie) {
    headers.cookie = options.cookie;
    // What a browser adds to a same-origin request; cross-site tests set their own Origin.
    headers['sec-fetch-site'] ??= 'same-origin';
  }
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const res = await app.request(path, {
    method,
    headers,
    body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body, res };
}

/**
 * Adds a person the way the product does: `admin` invites them, they accept with their own
 * password. Returns the new member's session in that workspace.
 */
export async function addMember(
  app: Fetchable,
  admin: { cookie: string },
  input: { name: string; email?: string; password?: string; role?: 'agent' | 'admin' | 'owner'; maxConversations?: number },
): Promise<Session> {
  const email = input.email ?? `${input.name.toLowerCase().replace(/\W/g, '')}-${randomBytes(4).toString('hex')}@example.com`;
  const invited = await call(app, 'POST', '/api/members/invitations', {
    cookie: admin.cookie,
    body: { email, role: input.role ?? 'agent' },
  });
  if (invited.status !== 201) throw new Error(`invitation failed: ${invited.status} ${JSON.stringify(invited.body)}`);
  const token = new URL(invited.body.url as string).pathname.split('/').pop()!;
  const accepted = await call(app, 'POST', `/api/invitations/${token}/accept`, {
    body: { name: input.name, password: input.password ?? 'correct horse battery' },
  });
  if (accepted.status !== 200) throw new Error(`accept failed: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  const member: Session = {
    cookie: cookieFrom(accepted.res),
    userId: accepted.body.user.id,
    workspaceId: accepted.body.workspace.id,
    email,
  };
  if (input.maxConversations !== undefined) {
    const patched = await call(app, 'PATCH', `/api/members/${member.userId}`, {
      cookie: admin.cookie,
      body: { maxConversations: input.maxConversations },
    });
    if (patched.status !== 200) throw new Error(`capacity failed: ${patched.status} ${JSON.stringify(patched.body)}`);
  }
  return member;
}
