import { createEgressGuard } from '@switchboard/egress';
import type { SendOptions } from '../types';

/**
 * Send options for tests whose provider stand-ins listen on loopback: loopback opened the way an
 * operator opens a LAN service with EGRESS_ALLOW. Without it the adapters refuse 127.0.0.1.
 */
export const loopback: SendOptions = { egress: createEgressGuard({ allow: ['127.0.0.1', '::1', 'localhost'] }) };
