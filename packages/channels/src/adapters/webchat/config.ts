import { z } from 'zod';

/** The website widget needs no settings: the server's widget routes authenticate its sessions. */
export const WebchatConfig = z.object({});
export type WebchatConfig = z.infer<typeof WebchatConfig>;
