import type { NodeHandler } from '../../types';
import type { ConversationOpenedConfig } from './definition';

/** A trigger only starts the run; matching happens before (see the trigger matchers). */
export const conversationOpened: NodeHandler<ConversationOpenedConfig> = async () => ({ effects: [] });
