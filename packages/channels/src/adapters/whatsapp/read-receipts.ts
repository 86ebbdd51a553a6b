import type { ChatSignal, SendOptions } from '../../types';
import { graphPost, GRAPH_VERSION } from '../meta/graph';
import type { WhatsAppConfig } from './config';

/**
 * Marks the customer's message read (blue ticks) and, for `typing`, also shows the typing
 * indicator, which the Cloud API ties to that message: `POST /{phone-number-id}/messages` with
 * `status: "read"` (and `typing_indicator`). Nothing to do without the message's id.
 */
export async function whatsappSignal(config: WhatsAppConfig, signal: ChatSignal, opts: SendOptions | undefined): Promise<boolean> {
  if (!signal.providerMessageId) return false;
  await graphPost(
    'WhatsApp',
    config.baseUrl,
    `/${config.apiVersion ?? GRAPH_VERSION}/${encodeURIComponent(config.phoneNumberId)}/messages`,
    config.accessToken,
    {
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: signal.providerMessageId,
      ...(signal.kind === 'typing' && { typing_indicator: { type: 'text' } }),
    },
    opts,
  );
  return true;
}
