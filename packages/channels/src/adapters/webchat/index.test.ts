import { describe, expect, it } from 'vitest';
import { inboundRequest, verifyContext } from '../../testing/inbound';
import { webchatAdapter } from './index';

describe('webchat', () => {
  it('refuses the channel webhook: visitors speak only through the widget routes', () => {
    expect(webchatAdapter.verify(inboundRequest({ url: 'https://sb.example/webhooks/channels/ch_1' }), {}, verifyContext())).toMatchObject({
      ok: false,
      status: 403,
    });
  });

  it('parses a widget message', () => {
    const req = inboundRequest({
      url: 'https://sb.example/widget/ch_1/messages',
      body: { id: 'w1', from: 'visitor-1', text: 'hello', name: 'Kim' },
    });
    expect(webchatAdapter.parseInbound(req, {})).toEqual([
      expect.objectContaining({ providerMessageId: 'w1', externalId: 'visitor-1', text: 'hello', name: 'Kim' }),
    ]);
  });

  it('send only acknowledges: the server pushes over SSE', async () => {
    expect(await webchatAdapter.send({ id: 'msg_1', to: 'visitor-1', text: 'hi', windowOpen: true }, {})).toEqual({
      providerMessageId: 'msg_1',
      status: 'delivered',
    });
  });
});
