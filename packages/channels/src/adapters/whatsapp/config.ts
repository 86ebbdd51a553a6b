import { z } from 'zod';

export const WhatsAppConfig = z.object({
  phoneNumberId: z.string().trim().min(1),
  accessToken: z.string().trim().min(1),
  appSecret: z.string().trim().min(1),
  verifyToken: z.string().trim().min(1),
  /** Graph API version, default v21.0. */
  apiVersion: z.string().regex(/^v\d+\.\d+$/).optional(),
  baseUrl: z.url().optional(),
});
export type WhatsAppConfig = z.infer<typeof WhatsAppConfig>;
