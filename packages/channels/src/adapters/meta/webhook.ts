import { safeEqual, verifySha256Header, type VerifyResult } from '../../signatures';
import type { HttpReply, InboundRequest } from '../../types';

/** X-Hub-Signature-256 over the raw bytes, keyed with the app secret (WhatsApp, Messenger, Instagram). */
export function verifyHubSignature(req: InboundRequest, appSecret: string): VerifyResult {
  return verifySha256Header(req.headers['x-hub-signature-256'], appSecret, req.rawBody, 'X-Hub-Signature-256');
}

/**
 * Meta's subscription handshake: GET ?hub.mode=subscribe&hub.verify_token=..&hub.challenge=..,
 * answered with the challenge as plain text when the token matches, 403 otherwise.
 */
export function hubHandshake(req: InboundRequest, verifyToken: string): HttpReply | null {
  if (req.method.toUpperCase() !== 'GET') return null;
  const mode = req.query['hub.mode'];
  const token = req.query['hub.verify_token'] ?? '';
  const challenge = req.query['hub.challenge'];
  if (mode !== 'subscribe' || challenge === undefined || !safeEqual(token, verifyToken)) {
    return { status: 403, body: 'verify token mismatch', contentType: 'text/plain' };
  }
  // text/plain: the challenge is echoed back and must never be rendered as HTML.
  return { status: 200, body: challenge, contentType: 'text/plain' };
}
