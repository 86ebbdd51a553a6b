import { z } from 'zod';

export const TwilioConfig = z.object({
  accountSid: z.string().trim().min(1),
  authToken: z.string().trim().min(1),
  /** `+15551234567`, `whatsapp:+15551234567`, or a Messaging Service SID `MG...`. */
  from: z.string().trim().min(1),
  /**
   * The Twilio number to point at this channel (its SID `PN...` or `+15551234567`); when given,
   * saving the channel sets the number's "A message comes in" URL through Twilio's API.
   */
  phoneNumber: z
    .string()
    .trim()
    .regex(/^(PN[0-9a-fA-F]{32}|\+\d{6,15})$/, 'a phone number SID (PN…) or a number like +15551234567')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  baseUrl: z.url().optional(),
});
export type TwilioConfig = z.infer<typeof TwilioConfig>;
