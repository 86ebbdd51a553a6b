/**
 * Graphile queue names: jobs sharing one run one at a time, in order. Everything about a
 * conversation (routing its messages, resuming its runs, timers) shares its queue, so two
 * messages of one customer are handled in order while other customers run in parallel.
 */
export function conversationQueue(conversationId: string): string {
  return `conv:${conversationId}`;
}

export function runQueue(run: { id: string; conversationId: string | null }): string {
  return run.conversationId ? conversationQueue(run.conversationId) : `run:${run.id}`;
}

/** The job key of a run's pending timer (a question's timeout, a delay): one per run. */
export function waitTimerKey(runId: string): string {
  return `wait:${runId}`;
}
