import { z } from 'zod';

/** Messenger and Instagram (Messenger-platform flavour) are both reached through a Facebook Page. */
export const MetaPageConfig = z.object({
  pageId: z.string().trim().min(1),
  pageAccessToken: z.string().trim().min(1),
  appSecret: z.string().trim().min(1),
  verifyToken: z.string().trim().min(1),
  /** Graph API version, default v21.0. */
  apiVersion: z
    .string()
    .regex(/^v\d+\.\d+$/)
    .optional(),
  baseUrl: z.url().optional(),
});
export type MetaPageConfig = z.infer<typeof MetaPageConfig>;
