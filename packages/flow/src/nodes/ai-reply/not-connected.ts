/**
 * What the `ai` service throws when the workspace has no AI provider it can use. The AI step
 * logs its message as it is (not as a provider outage), so the run says what to do.
 */
export const AI_NOT_CONNECTED = 'AI is not connected: Settings → AI';

export class AiNotConnectedError extends Error {
  constructor(message: string = AI_NOT_CONNECTED) {
    super(message);
    this.name = 'AiNotConnectedError';
  }
}
