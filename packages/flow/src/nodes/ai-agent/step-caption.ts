/**
 * One line for each step of an AI agent in run history and its replay ("Called lookup_order"),
 * read from what the step recorded (`output.detail`). Browser-safe.
 */
export function agentStepCaption(output: unknown): string | null {
  const detail = output && typeof output === 'object' ? (output as { detail?: Record<string, unknown> }).detail : undefined;
  if (!detail) return null;
  const tool = typeof detail.tool === 'string' ? detail.tool : undefined;
  const confirmation = detail.confirmation as { tool?: unknown } | undefined;
  if (confirmation && typeof confirmation.tool === 'string') return `The customer said yes to ${confirmation.tool}`;
  if (tool === 'resolve') return 'Resolved the conversation';
  if (tool === 'handoff') return 'Handed off to the team';
  if (tool && detail.confirming) return `Asked the customer to confirm ${tool}`;
  if (tool) return detail.ok === false ? `Called ${tool}: it failed` : `Called ${tool}`;
  const decided = Array.isArray(detail.asked)
    ? `The model chose ${detail.asked.map((a: { tool?: unknown }) => String(a.tool)).join(', ')}`
    : typeof detail.said === 'string'
      ? 'Answered the customer and waited'
      : null;
  return decided && withHeard(detail.heard, decided);
}

/** The messages the customer sent while the agent worked, which this model call read first. */
function withHeard(heard: unknown, caption: string): string {
  const texts = Array.isArray(heard) ? heard.filter((t): t is string => typeof t === 'string') : [];
  if (!texts.length) return caption;
  return `Heard the customer: ${texts.map((t) => `“${t.length > 80 ? `${t.slice(0, 80)}…` : t}”`).join(', ')}. ${caption}`;
}
