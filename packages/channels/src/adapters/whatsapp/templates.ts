import { ProviderError } from '../../errors';
import { callProvider, field, joinUrl } from '../../http';
import type { SendOptions, SyncedTemplate, WhatsAppTemplate } from '../../types';
import { describeGraphError, GRAPH_BASE, GRAPH_VERSION } from '../meta/graph';
import type { WhatsAppConfig } from './config';

/** Pages of 100 templates; a business account rarely has more than a few hundred. */
const PAGE_SIZE = 100;
const MAX_PAGES = 50;
const FIELDS = 'name,status,language,category,components,parameter_format';

/**
 * The business account's message templates from the WhatsApp Business Management API:
 * `GET /{version}/{waba-id}/message_templates`, following the `after` cursor. Every status comes
 * back (APPROVED, PENDING, REJECTED, PAUSED...): only approved ones may be sent.
 */
export async function fetchWhatsAppTemplates(config: WhatsAppConfig, opts?: SendOptions): Promise<SyncedTemplate[]> {
  if (!config.businessAccountId) {
    throw new ProviderError('Add the WhatsApp Business Account ID to this channel to sync its templates', {
      retryable: false,
      providerCode: 'business_account_missing',
    });
  }
  const path = `/${config.apiVersion ?? GRAPH_VERSION}/${encodeURIComponent(config.businessAccountId)}/message_templates`;
  const templates: SyncedTemplate[] = [];
  let after: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = new URLSearchParams({ fields: FIELDS, limit: String(PAGE_SIZE), ...(after && { after }) });
    const response = await callProvider({
      provider: 'WhatsApp',
      method: 'GET',
      url: `${joinUrl(config.baseUrl || GRAPH_BASE, path)}?${query}`,
      headers: { authorization: `Bearer ${config.accessToken}` },
      ...opts,
      describeError: describeGraphError,
    });
    const data = field(response.body, 'data');
    if (!Array.isArray(data)) throw new ProviderError('WhatsApp answered the template list without data', { retryable: false });
    for (const item of data) {
      const template = readTemplate(item);
      if (template) templates.push(template);
    }
    const next = field(response.body, 'paging', 'cursors', 'after');
    // Graph names a next page only when there is one.
    if (typeof next !== 'string' || !field(response.body, 'paging', 'next')) break;
    after = next;
  }
  return templates;
}

function readTemplate(item: unknown): SyncedTemplate | null {
  const name = field(item, 'name');
  const language = field(item, 'language');
  const status = field(item, 'status');
  if (typeof name !== 'string' || typeof language !== 'string' || typeof status !== 'string') return null;
  const components = field(item, 'components');
  const category = field(item, 'category');
  return {
    name,
    language,
    status,
    ...(typeof category === 'string' && { category }),
    namedParameters: field(item, 'parameter_format') === 'NAMED',
    components: Array.isArray(components) ? (components.filter((c) => c && typeof c === 'object') as Record<string, unknown>[]) : [],
  };
}

/**
 * The `components` of a template send: the header's media (image, video or document link), the
 * body's parameters in order (named when the template uses named parameters), and each button's
 * parameter (a quick reply's payload, a URL button's suffix) at its index.
 */
export function templateComponents(template: WhatsAppTemplate): Record<string, unknown>[] {
  const components: Record<string, unknown>[] = [];
  if (template.headerMedia) {
    const { type, link } = template.headerMedia;
    components.push({ type: 'header', parameters: [{ type, [type]: { link } }] });
  }
  const variables = template.variables ?? [];
  if (variables.length > 0) {
    const names = template.parameterNames;
    components.push({
      type: 'body',
      parameters: variables.map((text, i) => ({ type: 'text', text, ...(names?.[i] && { parameter_name: names[i] }) })),
    });
  }
  for (const button of template.buttons ?? []) {
    const parameter = button.subType === 'quick_reply' ? { type: 'payload', payload: button.value } : { type: 'text', text: button.value };
    components.push({ type: 'button', sub_type: button.subType, index: String(button.index), parameters: [parameter] });
  }
  return components;
}
