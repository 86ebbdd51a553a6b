import type { Effect, NodeHandler } from '../../types';
import { isHttpUrl } from '../send-message/window';
import { misconfigured, next, renderAll } from '../result';
import type { CrmConfig } from './definition';

/**
 * `upsert_contact` becomes field updates on the contact (non-empty values only); the other
 * operations become a `crm` effect the server carries out (timeline entry, HubSpot, signed webhook).
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
    case 'push_hubspot': {
      const r = await renderAll(ctx, { note: config.note });
      if ('failed' in r) return r.failed;
      return next([{ type: 'crm', operation: 'push_hubspot', payload: r.values.note ? { note: r.values.note } : {} }]);
    }
    case 'push_webhook': {
      const r = await renderAll(ctx, { url: config.url, note: config.note });
      if ('failed' in r) return r.failed;
      if (!isHttpUrl(r.values.url)) return misconfigured('url', 'The address must start with https:// or http://.');
      return next([{ type: 'crm', operation: 'push_webhook', payload: { url: r.values.url, ...(r.values.note ? { note: r.values.note } : {}) } }]);
    }
  }
};
