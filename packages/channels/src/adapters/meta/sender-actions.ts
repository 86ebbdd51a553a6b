import type { ChatSignal, SendOptions } from '../../types';
import type { MetaPageConfig } from './config';
import { graphPost, GRAPH_VERSION } from './graph';

/** Messenger and Instagram: `sender_action` `mark_seen` or `typing_on` through the Send API. */
export function metaSignal(provider: string) {
  return async (config: MetaPageConfig, signal: ChatSignal, opts: SendOptions | undefined): Promise<boolean> => {
    await graphPost(
      provider,
      config.baseUrl,
      `/${config.apiVersion ?? GRAPH_VERSION}/me/messages`,
      config.pageAccessToken,
      {
        recipient: { id: signal.to },
        sender_action: signal.kind === 'read' ? 'mark_seen' : 'typing_on',
      },
      opts,
    );
    return true;
  };
}
