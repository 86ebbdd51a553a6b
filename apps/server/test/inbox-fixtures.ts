import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { expect } from 'vitest';
import { deliverMessage } from '../src/pipeline/deliver';
import { call, type Session, type TestContext } from './helpers';

/** Shared steps of the inbox, channel and widget tests. */
export async function createChannel(
  ctx: TestContext,
  session: Session,
  type: string,
  config: Record<string, unknown>,
  name = `${type} channel`,
) {
  const res = await call(ctx.app, 'POST', '/api/channels', { cookie: session.cookie, body: { type, name, config } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; webhookUrl: string; secret?: string; widgetSnippet?: string };
}

/**
 * A provider's webhook, through a real node HTTP server, as providers reach the app. A body given
 * as chunks goes out chunked, without a Content-Length.
 */
export async function postWebhook(
  ctx: TestContext,
  channelId: string,
  body: string | Buffer | string[],
  headers: Record<string, string>,
  query = '',
): Promise<{ status: number; text: string }> {
  const path = `/webhooks/channels/${channelId}${query}`;
  const server = serve({ fetch: ctx.app.fetch, port: 0, hostname: '127.0.0.1' });
  await once(server, 'listening');
  try {
    const { port } = server.address() as AddressInfo;
    const sent = Array.isArray(body)
      ? { body: ReadableStream.from(body.map((chunk) => new TextEncoder().encode(chunk))), duplex: 'half' }
      : { body };
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers, ...sent } as RequestInit);
    return { status: res.status, text: await res.text() };
  } finally {
    server.close();
  }
}

export async function count(ctx: TestContext, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await ctx.database.pool.query(`select count(*)::int as n from (${sql}) q`, params);
  return rows[0].n as number;
}

export const jobsOf = (ctx: TestContext, task: string) =>
  ctx.database.pool
    .query(
      // Graphile's public view has no payload: it is read from its table, in tests only.
      `select p.payload, j.queue_name, j.key, j.run_at from graphile_worker.jobs j join graphile_worker._private_jobs p on p.id = j.id
       where j.task_identifier = $1 order by j.id`,
      [task],
    )
    .then((r) => r.rows);

export async function messageRow(ctx: TestContext, id: string) {
  const { rows } = await ctx.database.pool.query('select * from messages where id = $1', [id]);
  return rows[0];
}

/** An inbound message on `channelId`, found by its provider id. */
export async function inboundByProviderId(ctx: TestContext, channelId: string, providerId: string) {
  const { rows } = await ctx.database.pool.query('select * from messages where channel_id = $1 and provider_message_id = $2', [
    channelId,
    providerId,
  ]);
  return rows;
}

/** Replies in a conversation as an agent through the API and runs the delivery job. */
export async function replyAndDeliver(ctx: TestContext, session: Session, conversationId: string, text: string) {
  const posted = await call(ctx.app, 'POST', `/api/conversations/${conversationId}/messages`, { cookie: session.cookie, body: { text } });
  expect(posted.status, JSON.stringify(posted.body)).toBe(201);
  const outcome = await deliverMessage(ctx.deps, posted.body.id);
  return { id: posted.body.id as string, outcome };
}
