import { z } from 'zod';

export const TwilioConfig = z.object({
  accountSid: z.string().trim().min(1),
  authToken: z.string().trim().min(1),
  /** `+15551234567`, `whatsapp:+15551234567`, or a Messaging Service SID `MG...`. */
  from: z.string().trim().min(1),
  baseUrl: z.url().optional(),
});
export type TwilioConfig = z.infer<typeof TwilioConfig>;
