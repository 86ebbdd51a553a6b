import { startStandIn, type StandIn, type StandInReply, type StandInRequest } from './stand-in';

const graphError = (status: number, code: number, message: string, extra: Record<string, unknown> = {}): StandInReply => ({
  status,
  json: { error: { message, type: 'OAuthException', code, fbtrace_id: 'AbCdEf', ...extra } },
});

/**
 * Plays the Graph API Send endpoints: `/{version}/me/messages` (Messenger, Instagram) and
 * `/{version}/{phone-number-id}/messages` (WhatsApp Cloud), with Bearer tokens and Graph errors.
 */
export function startGraphStandIn(options: {
  token: string;
  version?: string;
  phoneNumberId?: string;
  /** Instagram's 1,000-byte text limit instead of Messenger's 2,000 characters. */
  instagram?: boolean;
}): Promise<StandIn> {
  const version = options.version ?? 'v21.0';
  let counter = 0;
  return startStandIn((req) => {
    if (req.headers.authorization !== `Bearer ${options.token}`) {
      return graphError(401, 190, 'Invalid OAuth access token - Cannot parse access token');
    }
    if (req.method === 'GET') return mediaGet(req, version);
    if (req.method !== 'POST') return graphError(400, 100, 'Unsupported request.');
    if (req.headers['content-type'] !== 'application/json') return graphError(400, 100, 'Invalid content type');
    if (req.path === `/${version}/me/messages`) return pageSend(req, options.instagram ?? false, ++counter);
    if (options.phoneNumberId && req.path === `/${version}/${options.phoneNumberId}/messages`) return whatsappSend(req, ++counter);
    return graphError(400, 100, `Unknown path components: ${req.path}`);
  });
}

function pageSend(req: StandInRequest, instagram: boolean, n: number): StandInReply {
  const body = req.json<Record<string, any>>();
  if (!body.recipient?.id) return graphError(400, 100, 'The parameter recipient is required');
  if (body.recipient.id === 'nobody') return graphError(400, 100, 'No matching user found', { error_subcode: 2018001 });
  if (!['RESPONSE', 'UPDATE', 'MESSAGE_TAG'].includes(body.messaging_type)) return graphError(400, 100, 'Param messaging_type is invalid');
  if (body.messaging_type === 'MESSAGE_TAG' && body.tag !== 'HUMAN_AGENT') return graphError(400, 100, 'Param tag is invalid');
  const message = body.message ?? {};
  if ((message.text === undefined) === (message.attachment === undefined)) {
    return graphError(400, 100, 'Exactly one of message[text] or message[attachment] must be set');
  }
  if (message.text !== undefined) {
    const size = instagram ? Buffer.byteLength(message.text) : message.text.length;
    if (size > (instagram ? 1000 : 2000)) {
      return graphError(400, 100, `Length of param message[text] must be less than or equal to ${instagram ? 1000 : 2000}`);
    }
  }
  return { json: { recipient_id: body.recipient.id, message_id: `m_${n}` } };
}

function whatsappSend(req: StandInRequest, n: number): StandInReply {
  const body = req.json<Record<string, any>>();
  if (body.messaging_product !== 'whatsapp') return graphError(400, 100, 'The parameter messaging_product is required.');
  if (!/^\d{6,15}$/.test(body.to ?? ''))
    return graphError(400, 131009, '(#131009) Parameter value is not valid', {
      error_data: { details: 'Recipient phone number not valid' },
    });
  const ok =
    (body.type === 'text' && body.text?.body) ||
    (body.type === 'image' && body.image?.link) ||
    // Media by link; audio takes no caption (Cloud API error 100 when it has one).
    (['video', 'document'].includes(body.type) && body[body.type]?.link) ||
    (body.type === 'audio' && body.audio?.link && body.audio.caption === undefined) ||
    (body.type === 'location' && typeof body.location?.latitude === 'number' && typeof body.location?.longitude === 'number') ||
    (body.type === 'template' && body.template?.name && body.template?.language?.code) ||
    (body.type === 'interactive' && body.interactive?.body?.text && body.interactive?.action);
  if (!ok) return graphError(400, 100, `Invalid parameter for type ${String(body.type)}`);
  return { json: { messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: body.to }], messages: [{ id: `wamid.${n}` }] } };
}

/** WhatsApp media: `GET /{version}/{media-id}` gives a short-lived URL, itself fetched with the token. */
function mediaGet(req: StandInRequest, version: string): StandInReply {
  const lookup = new RegExp(`^/${version.replace('.', '\\.')}/(MEDIA_\\w+)$`).exec(req.path);
  if (lookup) {
    return {
      json: {
        url: `http://${req.headers.host}/lookaside/${lookup[1]}`,
        mime_type: 'image/jpeg',
        sha256: 'x',
        file_size: 4,
        id: lookup[1],
        messaging_product: 'whatsapp',
      },
    };
  }
  if (req.path.startsWith('/lookaside/MEDIA_'))
    return { headers: { 'content-type': 'image/jpeg' }, body: Buffer.from([0xff, 0xd8, 0xff, 0xe0]) };
  return graphError(404, 100, `Unsupported get request. Object with ID '${req.path.split('/').pop()}' does not exist`);
}
