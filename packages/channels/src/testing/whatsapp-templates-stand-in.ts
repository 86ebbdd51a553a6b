import { startStandIn, type StandIn } from './stand-in';

/** Two pages of templates as the WhatsApp Business Management API lists them. */
export const TEMPLATE_PAGES: Record<string, unknown>[][] = [
  [
    {
      name: 'order_ready',
      language: 'en_US',
      status: 'APPROVED',
      category: 'UTILITY',
      parameter_format: 'POSITIONAL',
      id: '1001',
      components: [
        { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['https://scontent.whatsapp.net/example.jpg'] } },
        { type: 'BODY', text: 'Hi {{1}}, your order {{2}} is ready for pickup.', example: { body_text: [['Ana', '#42']] } },
        { type: 'FOOTER', text: 'Reply STOP to unsubscribe' },
        {
          type: 'BUTTONS',
          buttons: [
            { type: 'QUICK_REPLY', text: 'On my way' },
            { type: 'QUICK_REPLY', text: 'Deliver it' },
          ],
        },
      ],
    },
  ],
  [
    {
      name: 'spring_sale',
      language: 'es',
      status: 'PENDING',
      category: 'MARKETING',
      parameter_format: 'NAMED',
      id: '1002',
      components: [
        {
          type: 'BODY',
          text: '¡Hola {{first_name}}! Pasteles a mitad de precio.',
          example: { body_text_named_params: [{ param_name: 'first_name', example: 'Ana' }] },
        },
      ],
    },
  ],
];

/**
 * Plays `GET /{version}/{waba-id}/message_templates` with Bearer auth, cursor paging (`after`,
 * `paging.next` only when another page follows) and Graph's error for an unknown account. With a
 * `phoneNumberId`, also takes template sends on `/{version}/{phone-number-id}/messages`, refusing
 * a template it does not list (error 132001) as the Cloud API does.
 */
export function startTemplatesStandIn(options: {
  token: string;
  wabaId: string;
  version?: string;
  pages?: Record<string, unknown>[][];
  phoneNumberId?: string;
}): Promise<StandIn> {
  const version = options.version ?? 'v21.0';
  const pages = options.pages ?? TEMPLATE_PAGES;
  let sent = 0;
  return startStandIn((req) => {
    if (req.headers.authorization !== `Bearer ${options.token}`)
      return { status: 401, json: { error: { message: 'Invalid OAuth access token', type: 'OAuthException', code: 190 } } };
    if (options.phoneNumberId && req.method === 'POST' && req.path === `/${version}/${options.phoneNumberId}/messages`) {
      const body = req.json<{ to?: string; type?: string; template?: { name?: string; language?: { code?: string } } }>();
      const known = pages.flat().some((t) => t.name === body.template?.name && t.language === body.template?.language?.code);
      if (body.type === 'template' && !known)
        return {
          status: 404,
          json: { error: { message: '(#132001) Template name does not exist in the translation', type: 'OAuthException', code: 132001 } },
        };
      return {
        json: { messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: body.to }], messages: [{ id: `wamid.tpl${++sent}` }] },
      };
    }
    if (req.method !== 'GET' || req.path !== `/${version}/${options.wabaId}/message_templates`) {
      return {
        status: 400,
        json: {
          error: {
            message: `Unsupported get request. Object with ID '${req.path.split('/')[2]}' does not exist`,
            type: 'GraphMethodException',
            code: 100,
            error_subcode: 33,
          },
        },
      };
    }
    const index = req.query.get('after') ? Number(req.query.get('after')!.replace('cursor-', '')) : 0;
    const page = pages[index] ?? [];
    const more = index + 1 < pages.length;
    return {
      json: {
        data: page,
        paging: {
          cursors: { before: `cursor-${index}`, after: `cursor-${index + 1}` },
          ...(more && { next: `https://graph.facebook.com/${version}/${options.wabaId}/message_templates?after=cursor-${index + 1}` }),
        },
      },
    };
  });
}
