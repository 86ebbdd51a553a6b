import { hmac, sha256Header } from '../signatures';
import { twilioSignature, type TwilioParams } from '../adapters/twilio/signature';

/** Signers for crafting provider webhooks in tests (here and in apps/server). */
export const sign = {
  /** X-Hub-Signature-256 (WhatsApp, Messenger, Instagram) and X-Switchboard-Signature (api). */
  sha256Header,
  /** X-Twilio-Signature for a form POST to `url`. */
  twilio: (authToken: string, url: string, params: TwilioParams) => twilioSignature(authToken, url, params),
  /** Mailgun's `signature` field for `timestamp` + `token`. */
  mailgun: (signingKey: string, timestamp: string, token: string) => hmac('sha256', signingKey, timestamp + token, 'hex'),
};
