import type { NodeHandler } from '../../types';
import type { WebhookConfig } from './definition';

/** A trigger only starts the run; matching happens before (see the trigger matchers). */
export const webhook: NodeHandler<WebhookConfig> = async () => ({ effects: [] });
