import { z } from 'zod';

export const TelegramConfig = z.object({
  botToken: z
    .string()
    .trim()
    .regex(/^\d+:[\w-]+$/, 'expected a bot token like 123456:ABC-DEF...'),
  /** Given to setWebhook as secret_token: 1-256 characters A-Z, a-z, 0-9, _ and -. */
  secretToken: z.string().regex(/^[\w-]{1,256}$/, 'use 1-256 letters, digits, _ or -'),
  baseUrl: z.url().optional(),
});
export type TelegramConfig = z.infer<typeof TelegramConfig>;
