import { z } from 'zod';

export const WhatsAppConfig = z.object({
  phoneNumberId: z.string().trim().min(1),
  accessToken: z.string().trim().min(1),
  appSecret: z.string().trim().min(1),
  verifyToken: z.string().trim().min(1),
  /** WhatsApp Business Account ID: where the message templates are synced from. */
  businessAccountId: z
    .string()
    .trim()
    .regex(/^\d{1,30}$/, 'The WhatsApp Business Account ID is a number')
    .optional(),
  /** Messages per second a broadcast sends (default 50; Meta takes up to 80 per number). */
  sendRatePerSecond: z.number().int().min(1).max(80).optional(),
  /** Graph API version, default v21.0. */
  apiVersion: z
    .string()
    .regex(/^v\d+\.\d+$/)
    .optional(),
  baseUrl: z.url().optional(),
});
export type WhatsAppConfig = z.infer<typeof WhatsAppConfig>;
