import type { Effect, NodeHandler } from '../../types';
import { next, renderAll } from '../result';
import type { CrmConfig } from './definition';
import { pushHubspot, pushWebhook } from './push';

/**
 * `upsert_contact` becomes field updates on the contact (non-empty values only); `log_transcript`
 * a timeline entry the server writes. The pushes call HubSpot or the webhook here (see push.ts)
 * and leave a timeline entry of what was sent, with no secret in it.
 */
export const crm: NodeHandler<CrmConfig> = async (config, ctx) => {
  switch (config.operation) {
    case 'upsert_contact': {
      const attrs = Object.fromEntries(Object.entries(config.attributes ?? {}).map(([k, v]) => [`attributes.${k}`, v]));
      const r = await renderAll(ctx, { name: config.name, email: config.email, phone: config.phone, ...attrs });
      if ('failed' in r) return r.failed;
      const effects: Effect[] = Object.entries(r.values)
        .filter(([, v]) => typeof v === 'string' && v.trim() !== '')
        .map(([k, v]) => ({ type: 'set_field', field: `contact.${k}`, value: (v as string).trim() }));
      return next(effects);
    }
    case 'log_transcript': {
      const r = await renderAll(ctx, { title: config.title ?? 'Conversation transcript' });
      if ('failed' in r) return r.failed;
      return next([{ type: 'crm', operation: 'log_transcript', payload: { title: r.values.title } }]);
    }
    case 'push_hubspot':
      return redacted(ctx, await pushHubspot(ctx, config));
    case 'push_webhook':
      return redacted(ctx, await pushWebhook(ctx, config));
  }
};

const redacted = (ctx: Parameters<typeof crm>[1], result: Awaited<ReturnType<typeof crm>>) =>
  ctx.services.credentials ? ctx.services.credentials.redact(result) : result;
