import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Api } from './api';
import { Chat } from './chat';
import type { SessionRequest } from './contract';
import { stored } from './storage';

// Node has no EventSource; the chat only opens one and listens.
class QuietEventSource {
  static CLOSED = 2;
  readyState = 1;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {}
  addEventListener(): void {}
  close(): void {
    this.readyState = QuietEventSource.CLOSED;
  }
}
const real = globalThis.EventSource;
beforeAll(() => void (globalThis.EventSource = QuietEventSource as unknown as typeof EventSource));
afterAll(() => void (globalThis.EventSource = real));

/** A server that remembers the session requests and answers one message of history per visitor. */
function server() {
  const sessions: SessionRequest[] = [];
  let n = 0;
  const api: Api = {
    look: async () => ({}),
    session: async (body) => (sessions.push(body), { visitorToken: body.visitorToken ?? `t${++n}`, verified: !!body.userHash }),
    messages: async (token) => ({
      messages: [
        { id: `m-${token}`, direction: 'out', author: 'agent', text: `history of ${token}`, createdAt: '2026-01-01T00:00:00.000Z' },
      ],
    }),
    send: async () => {
      throw new Error('not used');
    },
    upload: async () => {
      throw new Error('not used');
    },
    typing: async () => ({ sent: true }),
    streamUrl: (token) => `http://x/stream?token=${token}`,
  };
  return { api, sessions };
}

test('a signed-in user is sent with the session; reset forgets the token, the identity and the thread', async () => {
  const { api, sessions } = server();
  const token = stored('switchboard:test');
  const chat = new Chat(api, token, { userId: 'u-42', userHash: 'ab12' });
  await chat.start();
  expect(sessions[0]).toMatchObject({ userId: 'u-42', userHash: 'ab12' });
  expect(token.get()).toBe('t1');
  expect(chat.thread.list().map((m) => m.text)).toEqual(['history of t1']);

  chat.reset();
  expect(token.get()).toBeNull();
  expect(chat.thread.list()).toEqual([]);
  await chat.start();
  expect(sessions[1]).toEqual({});
  expect(chat.thread.list().map((m) => m.text)).toEqual(['history of t2']);
});
