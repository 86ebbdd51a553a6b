import { describe, expect, it } from 'vitest';
import type { FlowDocument } from '../document';
import type { HttpRequest } from '../types';
import { sampleHttp } from './sample-http';
import { simulateFlow } from './simulate';

function recorder() {
  const calls: HttpRequest[] = [];
  const real = async (req: HttpRequest) => {
    calls.push(req);
    return { status: 200, headers: {}, body: '{"real": true}' };
  };
  return { calls, real };
}

describe('sampleHttp', () => {
  it('answers 200 and {} by default, sending nothing', async () => {
    const { calls, real } = recorder();
    const wire = sampleHttp({ method: 'POST' }, real);
    expect(await wire.http({ method: 'POST', url: 'https://shop.example/returns', body: '{}' })).toEqual({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(calls).toEqual([]);
    expect(wire.sampled).toEqual([200]);
  });

  it("answers the step's own sample, plain text included", async () => {
    const { calls, real } = recorder();
    const wire = sampleHttp({ testResponse: { status: 409, body: 'already returned' } }, real);
    expect(await wire.http({ method: 'DELETE', url: 'https://shop.example/returns/1' })).toEqual({
      status: 409,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: 'already returned',
    });
    expect(calls).toEqual([]);
  });

  it('sends a GET for real only when "Call for real" is on', async () => {
    const { calls, real } = recorder();
    expect((await sampleHttp({}, real).http({ method: 'GET', url: 'https://shop.example/stock' })).body).toBe('{}');
    expect(calls).toEqual([]);
    const on = sampleHttp({ callForReal: true }, real);
    expect((await on.http({ method: 'GET', url: 'https://shop.example/stock' })).body).toBe('{"real": true}');
    expect(calls.map((c) => c.url)).toEqual(['https://shop.example/stock']);
    expect(on.sampled).toEqual([]);
  });

  it.each(['POST', 'PUT', 'PATCH', 'DELETE', 'post'])('never sends a %s, even with "Call for real" on', async (method) => {
    const { calls, real } = recorder();
    const wire = sampleHttp({ callForReal: true }, real);
    expect((await wire.http({ method, url: 'https://shop.example/x' })).status).toBe(200);
    expect(calls).toEqual([]);
  });

  it('stops at once when the test run was stopped', async () => {
    const stop = new AbortController();
    stop.abort(new Error('gone'));
    await expect(
      sampleHttp({}, recorder().real).http({ method: 'POST', url: 'https://shop.example/x', signal: stop.signal }),
    ).rejects.toThrow('gone');
  });
});

describe('simulateFlow with steps that call out', () => {
  const pos = { x: 0, y: 0 };
  const doc: FlowDocument = {
    schemaVersion: 1,
    nodes: [
      { id: 't', type: 'trigger.message_received', position: pos, config: {} },
      { id: 'hi', type: 'action.send_message', position: pos, config: { text: 'One moment…' } },
      {
        id: 'call',
        type: 'action.http_request',
        position: pos,
        label: 'Create return',
        config: {
          method: 'POST',
          url: 'https://shop.example/returns',
          saveTo: 'ret',
          testResponse: { status: 201, body: '{"id": "R-7"}' },
        },
      },
      { id: 'done', type: 'action.send_message', position: pos, config: { text: 'Return {{ vars.ret.body.id }} booked.' } },
    ],
    edges: [
      { id: 'e1', source: 't', target: 'hi' },
      { id: 'e2', source: 'hi', target: 'call' },
      { id: 'e3', source: 'call', sourceHandle: 'success', target: 'done' },
    ],
  };

  it('uses the sample even when real HTTP is given, and marks the step in the path', async () => {
    const { calls, real } = recorder();
    const r = await simulateFlow(doc, { messages: ['return please'], services: { http: real } });
    expect(calls).toEqual([]);
    expect(r.replies.map((x) => x.text)).toEqual(['One moment…', 'Return R-7 booked.']);
    expect(r.path.find((p) => p.nodeId === 'call')).toMatchObject({
      output: 'success',
      note: 'Sample response used (no request sent)',
      afterReplies: 1,
      name: 'Create return',
    });
    expect(r.path.filter((p) => p.note)).toHaveLength(1);
  });
});
