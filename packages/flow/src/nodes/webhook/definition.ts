import { z } from 'zod';
import { defineNode, NEXT } from '../define';

export const WebhookConfig = z.object({});
export type WebhookConfig = z.infer<typeof WebhookConfig>;

export const webhookDefinition = defineNode({
  type: 'trigger.webhook',
  kind: 'trigger',
  label: 'Webhook',
  icon: 'webhook',
  description:
    'Starts when another system POSTs JSON to this flow\'s secret URL (shown after publishing). The JSON is available as {{ trigger.body }}; add a "contact" selector to say whom to message.',
  config: WebhookConfig,
  outputs: [NEXT],
  defaults: {},
  summary: () => "When another system calls this flow's address",
});
