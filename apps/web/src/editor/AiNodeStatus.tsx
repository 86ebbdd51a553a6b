import { useAiConnected } from '../settings/aiStatus';
import { Icon } from '../components/Icon';

/** On an AI step: says so while no AI is connected (a key saved and a passing test in Settings → AI). */
export function AiNodeStatus() {
  const connected = useAiConnected();
  if (connected) return null;
  return (
    <div
      className="fnode-issue warning"
      data-testid="node-ai-status"
      title="Connect an AI provider in Settings → AI; until then this step hands the chat to your team."
    >
      <Icon name="unplug" size={13} /> AI not connected
    </div>
  );
}
