import { useAiConnected } from '../settings/aiStatus';

/** On an AI step: says so while no AI is connected (a key saved and a passing test in Settings → AI). */
export function AiNodeStatus() {
  const connected = useAiConnected();
  if (connected) return null;
  return (
    <div className="fnode-issue warning" data-testid="node-ai-status" title="Connect an AI provider in Settings → AI; until then this step hands the chat to your team.">
      🔌 AI not connected
    </div>
  );
}
