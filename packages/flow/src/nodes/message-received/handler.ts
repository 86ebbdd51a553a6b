import type { NodeHandler } from '../../types';
import type { MessageReceivedConfig } from './definition';

/** A trigger only starts the run; matching happens before (see the trigger matchers). */
export const messageReceived: NodeHandler<MessageReceivedConfig> = async () => ({ effects: [] });
