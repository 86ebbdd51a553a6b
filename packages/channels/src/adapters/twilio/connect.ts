import { ProviderError } from '../../errors';
import { basicAuth, callProvider, field, joinUrl, type ProviderErrorDetail } from '../../http';
import type { SendOptions } from '../../types';
import type { TwilioConfig } from './config';

export const DEFAULT_BASE = 'https://api.twilio.com';
const NUMBER_SID = /^PN[0-9a-f]{32}$/i;

const describeTwilioError = (body: unknown): ProviderErrorDetail => {
  const message = field(body, 'message');
  const code = field(body, 'code');
  return {
    ...(typeof message === 'string' && { message: code !== undefined ? `${message} (error ${String(code)})` : message }),
    ...(code !== undefined && code !== null && { code: String(code) }),
  };
};

/**
 * Points the owner's Twilio number at this channel's webhook: "A message comes in" (SmsUrl) and
 * the status callback, through Twilio's IncomingPhoneNumbers API. Without a number in the config
 * there is nothing to point, and nothing is called (answers false).
 */
export async function connectTwilioNumber(config: TwilioConfig, webhookUrl: string, opts?: SendOptions): Promise<boolean> {
  if (!config.phoneNumber) return false;
  const sid = NUMBER_SID.test(config.phoneNumber) ? config.phoneNumber : await findNumberSid(config, config.phoneNumber, opts);
  const form = new URLSearchParams({ SmsUrl: webhookUrl, SmsMethod: 'POST', StatusCallback: webhookUrl, StatusCallbackMethod: 'POST' });
  await callProvider({
    provider: 'Twilio',
    url: numbersUrl(config, `/IncomingPhoneNumbers/${encodeURIComponent(sid)}.json`),
    headers: { authorization: basicAuth(config.accountSid, config.authToken) },
    body: form,
    ...opts,
    describeError: describeTwilioError,
  });
  return true;
}

/** The number's SID (PN…) in this account, looked up by its E.164 form. */
async function findNumberSid(config: TwilioConfig, phoneNumber: string, opts?: SendOptions): Promise<string> {
  const response = await callProvider({
    provider: 'Twilio',
    method: 'GET',
    url: `${numbersUrl(config, '/IncomingPhoneNumbers.json')}?${new URLSearchParams({ PhoneNumber: phoneNumber })}`,
    headers: { authorization: basicAuth(config.accountSid, config.authToken) },
    ...opts,
    describeError: describeTwilioError,
  });
  const numbers = field(response.body, 'incoming_phone_numbers');
  const sid = Array.isArray(numbers) ? field(numbers[0], 'sid') : undefined;
  if (typeof sid !== 'string')
    throw new ProviderError(`the number ${phoneNumber} is not in this Twilio account`, {
      retryable: false,
      providerCode: 'number_not_found',
    });
  return sid;
}

function numbersUrl(config: TwilioConfig, path: string): string {
  return joinUrl(config.baseUrl || DEFAULT_BASE, `/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}${path}`);
}
