import { describe, expect, it } from 'vitest';
import { makeContext } from '../../testing/context';
import { WebhookConfig } from './definition';
import { webhook } from './handler';

describe('trigger.webhook', () => {
  it('passes on; its payload is trigger.body for later steps', async () => {
    const ctx = makeContext({ trigger: { body: { orderId: 'A-17' } } });
    expect(await webhook({}, ctx)).toEqual({ effects: [] });
    expect(await ctx.services.render('Order {{ trigger.body.orderId }}')).toBe('Order A-17');
    expect(WebhookConfig.safeParse({}).success).toBe(true);
  });
});
