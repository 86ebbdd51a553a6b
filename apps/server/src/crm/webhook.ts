/**
 * The owner's CRM webhook: JSON of the contact, the transcript and the conversation, signed
 * `X-Switchboard-Signature: sha256=<hex HMAC-SHA256 of the raw body>` with the workspace's signing
 * secret, and `Idempotency-Key: <push id>` so a retried delivery can be recognised.
 */
import { createHmac } from 'node:crypto';
import { callJson, type Http } from './provider-call';

/** The workspace credential whose value signs the webhook's body (it is never sent). */
export const WEBHOOK_SIGNING_CREDENTIAL = 'crm_webhook_signing';

export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export async function pushToWebhook(
  http: Http,
  input: { url: string; headers: Record<string, string>; pushId: string; secret: string | null; payload: unknown },
): Promise<void> {
  const body = JSON.stringify(input.payload);
  await callJson(http, {
    method: 'POST',
    url: input.url,
    headers: {
      ...input.headers,
      'content-type': 'application/json',
      'idempotency-key': input.pushId,
      ...(input.secret ? { 'x-switchboard-signature': signature(input.secret, body) } : {}),
    },
    body,
  });
}
