import { channelDefinitions } from '../../definitions';
import { InboundParseError, ProviderError } from '../../errors';
import { basicAuth, callProvider, field, joinUrl } from '../../http';
import { first, readForm } from '../../inbound-body';
import { withChoicesAsText } from '../../render-choices';
import { outboundMedia, withLocationText } from '../../outbound-media';
import { downloadBehindRedirect } from '../../download';
import { missing, refused, verified } from '../../signatures';
import type { ChannelAdapter, InboundEvent, SendResult } from '../../types';
import { TwilioConfig } from './config';
import { connectTwilioNumber, DEFAULT_BASE } from './connect';
import { isValidTwilioSignature } from './signature';

const WHATSAPP = 'whatsapp:';

const statusMap: Record<string, 'sent' | 'delivered' | 'read' | 'failed'> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  undelivered: 'failed',
  failed: 'failed',
  canceled: 'failed',
};

// The delivery errors an owner meets most, in words they can act on.
const errorHints: Record<string, string> = {
  '21211': 'invalid "To" phone number',
  '21610': 'the recipient replied STOP and has unsubscribed',
  '30003': 'unreachable destination handset',
  '30004': 'message blocked by the recipient or carrier',
  '30005': 'unknown destination handset',
  '30006': 'landline or unreachable carrier',
  '30007': 'filtered by the carrier as spam',
  '30008': 'unknown delivery error',
  '63016': 'WhatsApp: outside the 24-hour window, send an approved template',
};

const isWhatsApp = (config: TwilioConfig) => config.from.startsWith(WHATSAPP);

/** Twilio Programmable Messaging: SMS/MMS, and WhatsApp when `from` is `whatsapp:+...`. */
export const twilioAdapter: ChannelAdapter<TwilioConfig> = {
  ...channelDefinitions.twilio,
  configSchema: TwilioConfig,
  requiresTemplateFor: isWhatsApp,

  verify(req, config) {
    const header = req.headers['x-twilio-signature'];
    if (!header) return missing('missing X-Twilio-Signature header');
    return isValidTwilioSignature(header, config.authToken, req.url, readForm(req.rawBody))
      ? verified
      : refused('X-Twilio-Signature does not match this URL and body (is PUBLIC_URL the URL Twilio calls?)');
  },

  parseInbound(req): InboundEvent[] {
    const form = readForm(req.rawBody);
    const get = (name: string) => first(form[name]);
    const sid = get('MessageSid') ?? get('SmsSid');
    if (!sid) throw new InboundParseError('Twilio request without MessageSid');

    const status = get('MessageStatus') ?? get('SmsStatus');
    if (status !== undefined && status !== 'received') {
      const mapped = statusMap[status];
      if (!mapped) return []; // queued, sending, accepted...: nothing the inbox shows
      const code = get('ErrorCode');
      const error = code ? [`Twilio error ${code}`, get('ErrorMessage') ?? errorHints[code]].filter(Boolean).join(': ') : undefined;
      return [{ kind: 'status', providerMessageId: sid, status: mapped, ...(error !== undefined && { error }) }];
    }

    const from = get('From');
    if (!from) throw new InboundParseError('Twilio message without From');
    const bare = from.startsWith(WHATSAPP) ? from.slice(WHATSAPP.length) : from;
    const media = Number(get('NumMedia') ?? '0');
    const attachments = [];
    for (let i = 0; i < media; i++) {
      const url = get(`MediaUrl${i}`);
      const contentType = get(`MediaContentType${i}`);
      if (url) attachments.push({ url, ...(contentType !== undefined && { contentType }) });
    }
    const name = get('ProfileName');
    const quickReply = get('ButtonPayload');
    return [
      {
        kind: 'message',
        providerMessageId: sid,
        // Kept with its `whatsapp:` prefix: it is the address replies go to.
        externalId: from,
        text: get('Body') ?? '',
        attachments,
        // Twilio sends no timestamp with an inbound message; it calls within seconds.
        timestamp: new Date(),
        ...(/^\+\d{6,15}$/.test(bare) && { phone: bare }),
        ...(name !== undefined && { name }),
        ...(quickReply !== undefined && { quickReply }),
      },
    ];
  },

  /** Twilio media URLs need Basic auth when media protection is on; Twilio then redirects to storage. */
  async fetchMedia(url, config, opts) {
    const base = new URL(config.baseUrl || DEFAULT_BASE);
    if (new URL(url).origin !== base.origin) return null;
    return downloadBehindRedirect('Twilio', url, { authorization: basicAuth(config.accountSid, config.authToken) }, opts);
  },

  connect: connectTwilioNumber,

  inboundAck: () => ({ status: 200, body: '<?xml version="1.0" encoding="UTF-8"?><Response></Response>', contentType: 'text/xml' }),

  async send(msg, config, opts): Promise<SendResult> {
    const whatsapp = isWhatsApp(config);
    const form = new URLSearchParams();
    form.set('To', whatsapp && !msg.to.startsWith(WHATSAPP) ? `${WHATSAPP}${msg.to}` : msg.to);
    if (/^MG[0-9a-f]{32}$/i.test(config.from)) form.set('MessagingServiceSid', config.from);
    else form.set('From', config.from);

    if (whatsapp && !msg.windowOpen) {
      const template = msg.whatsappTemplate;
      if (!template) {
        throw new ProviderError(
          'WhatsApp allows only approved templates more than 24 hours after the customer last wrote; choose a template (its Twilio Content SID) on this message',
          { retryable: false, providerCode: 'template_required' },
        );
      }
      form.set('ContentSid', template.name);
      if (template.variables?.length) {
        form.set('ContentVariables', JSON.stringify(Object.fromEntries(template.variables.map((v, i) => [String(i + 1), v]))));
      }
    } else {
      // No location message: the place goes as a map link. Every file is one MediaUrl (up to 10).
      form.set('Body', withChoicesAsText(withLocationText(msg.text, msg.location), msg.quickReplies));
      for (const file of outboundMedia(msg).slice(0, 10)) form.append('MediaUrl', file.url);
    }
    if (msg.statusCallbackUrl) form.set('StatusCallback', msg.statusCallbackUrl);

    const base = config.baseUrl || DEFAULT_BASE;
    const response = await callProvider({
      provider: 'Twilio',
      url: joinUrl(base, `/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/Messages.json`),
      headers: { authorization: basicAuth(config.accountSid, config.authToken), 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
      ...opts,
      describeError: (body) => {
        const code = field(body, 'code');
        const message = field(body, 'message');
        return {
          ...(typeof message === 'string' && { message: code !== undefined ? `${message} (error ${String(code)})` : message }),
          ...(code !== undefined && code !== null && { code: String(code) }),
        };
      },
    });
    const sid = field(response.body, 'sid');
    if (typeof sid !== 'string') throw new ProviderError('Twilio answered without a message sid', { retryable: false });
    const status = field(response.body, 'status');
    return { providerMessageId: sid, status: status === 'sent' || status === 'delivered' ? status : 'queued' };
  },
};
