import { ProviderError } from '../../errors';
import { callProvider, field, joinUrl } from '../../http';
import type { MediaContent } from '../../types';
import type { OutboundMessage, SendOptions, SendResult } from '../../types';
import { describeGraphError, GRAPH_BASE, graphPost, GRAPH_VERSION } from '../meta/graph';
import type { WhatsAppConfig } from './config';
import { takesCaption, whatsappHeader, whatsappLocation, whatsappMediaBody } from './media-bodies';
import { outboundMedia } from '../../outbound-media';
import { templateComponents } from './templates';

const clip = (text: string, max: number) => Array.from(text).slice(0, max).join('');

/**
 * The Cloud API message body for one outbound message. Inside the window: text, image with
 * caption, or interactive buttons (up to 3, 20-character titles, optional image header) / a list
 * (up to 10 rows) for quick replies. Outside it: the template, or a non-retryable error.
 */
export function whatsappBodies(msg: OutboundMessage): Record<string, unknown>[] {
  const head = { messaging_product: 'whatsapp', recipient_type: 'individual', to: msg.to };
  if (!msg.windowOpen) {
    const template = msg.whatsappTemplate;
    if (!template) {
      throw new ProviderError(
        'WhatsApp allows only approved templates more than 24 hours after the customer last wrote; choose a template on this message',
        { retryable: false, providerCode: 'template_required' },
      );
    }
    const components = templateComponents(template);
    return [
      {
        ...head,
        type: 'template',
        template: {
          name: template.name,
          language: { code: template.language },
          ...(components.length > 0 && { components }),
        },
      },
    ];
  }
  const choices = msg.quickReplies ?? [];
  const files = outboundMedia(msg);
  const place = msg.location ? [whatsappLocation(head, msg.location)] : [];
  if (choices.length > 0 && choices.length <= 3) {
    // Reply buttons carry one file as their header; any others go first on their own.
    const header = whatsappHeader(files[0]);
    return [
      ...files.slice(header ? 1 : 0).map((file) => whatsappMediaBody(head, file)),
      {
        ...head,
        type: 'interactive',
        interactive: {
          type: 'button',
          ...(header && { header }),
          body: { text: clip(msg.text || '…', 1024) },
          action: { buttons: choices.map((choice) => ({ type: 'reply', reply: { id: clip(choice, 256), title: clip(choice, 20) } })) },
        },
      },
      ...place,
    ];
  }
  if (choices.length > 3) {
    const list = {
      ...head,
      type: 'interactive',
      interactive: {
        type: 'list',
        body: { text: clip(msg.text || '…', 4096) },
        action: {
          button: 'Choose',
          sections: [
            { title: 'Options', rows: choices.slice(0, 10).map((choice) => ({ id: clip(choice, 200), title: clip(choice, 24) })) },
          ],
        },
      },
    };
    // A list cannot carry a header file: the files go first on their own.
    return [...files.map((file) => whatsappMediaBody(head, file)), list, ...place];
  }
  // The text rides as the first file's caption when it can; otherwise it goes first on its own.
  const captioned = files.length > 0 && takesCaption(files[0]!) && msg.text !== '' && Array.from(msg.text).length <= 1024;
  const text =
    msg.text && !captioned ? [{ ...head, type: 'text', text: { body: msg.text, preview_url: /https?:\/\//.test(msg.text) } }] : [];
  const bodies = [...text, ...files.map((file, i) => whatsappMediaBody(head, file, i === 0 && captioned ? msg.text : undefined)), ...place];
  return bodies.length ? bodies : [{ ...head, type: 'text', text: { body: msg.text, preview_url: false } }];
}

export async function sendWhatsApp(msg: OutboundMessage, config: WhatsAppConfig, opts: SendOptions | undefined): Promise<SendResult> {
  const path = `/${config.apiVersion ?? GRAPH_VERSION}/${encodeURIComponent(config.phoneNumberId)}/messages`;
  let id: unknown;
  for (const body of whatsappBodies(msg)) {
    const response = await graphPost('WhatsApp', config.baseUrl, path, config.accessToken, body, opts);
    id = field(response, 'messages', 0, 'id');
  }
  if (typeof id !== 'string') throw new ProviderError('WhatsApp answered without messages[0].id', { retryable: false });
  // Accepted, not yet sent: the `sent` status arrives by webhook.
  return { providerMessageId: id, status: 'queued' };
}

const MEDIA_REF = 'wa-media:';

/** `wa-media:<id>`: GET /{version}/{id} for a short-lived URL, then GET that URL, both with the token. */
export async function fetchWhatsAppMedia(url: string, config: WhatsAppConfig, opts: SendOptions | undefined): Promise<MediaContent | null> {
  if (!url.startsWith(MEDIA_REF)) return null;
  const auth = { authorization: `Bearer ${config.accessToken}` };
  const meta = await callProvider({
    provider: 'WhatsApp',
    method: 'GET',
    url: joinUrl(config.baseUrl || GRAPH_BASE, `/${config.apiVersion ?? GRAPH_VERSION}/${encodeURIComponent(url.slice(MEDIA_REF.length))}`),
    headers: auth,
    ...opts,
    describeError: describeGraphError,
  });
  const location = field(meta.body, 'url');
  if (typeof location !== 'string') throw new ProviderError('WhatsApp media lookup answered without url', { retryable: false });
  const file = await callProvider({
    provider: 'WhatsApp',
    method: 'GET',
    url: location,
    headers: auth,
    ...opts,
    binary: true,
    describeError: describeGraphError,
  });
  const contentType = field(meta.body, 'mime_type') ?? file.headers.get('content-type');
  return { data: file.body as Buffer, ...(typeof contentType === 'string' && { contentType }) };
}
