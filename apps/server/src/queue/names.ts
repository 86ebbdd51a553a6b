/**
 * Task names and queue names, declared once: producers, the task registry (../tasks.ts) and tests
 * all use these. Jobs sharing a queue name run one at a time, in the order they were added.
 */
export const TASKS = {
  routeEvent: 'route_event',
  advanceRun: 'advance_run',
  resumeWait: 'resume_wait',
  scheduleTick: 'schedule_tick',
  deliverMessage: 'deliver_message',
  retentionSweep: 'retention_sweep',
  crmPush: 'crm_push',
  broadcastTick: 'broadcast_tick',
  mediaFetch: 'media_fetch',
} as const;

export type TaskName = (typeof TASKS)[keyof typeof TASKS];

/**
 * Everything about a conversation (routing its messages, resuming its runs, timers) shares its
 * queue, so two messages of one customer are handled in order while other customers run in parallel.
 */
export function conversationQueue(conversationId: string): string {
  return `conv:${conversationId}`;
}

export function runQueue(run: { id: string; conversationId: string | null }): string {
  return run.conversationId ? conversationQueue(run.conversationId) : `run:${run.id}`;
}

/** One conversation's outbound messages leave one at a time, in order. */
export const outboundQueue = (conversationId: string) => `out:${conversationId}`;

/** One delivery job per message: a retry replaces it instead of adding another. */
export const deliverJobKey = (messageId: string) => `deliver:${messageId}`;

/** One routing job per inbound message (added once, with the message). */
export const routeJobKey = (messageId: string) => `route:${messageId}`;

/**
 * Deliveries run before jobs of priority 0 (routing new messages): under load, replies already
 * made leave before more are made, instead of waiting behind every message that came in after
 * theirs. Every delivery has this one priority, so a conversation's outbound queue keeps its order.
 */
export const DELIVERY_PRIORITY = -1;

/** The queue, key and priority of the job that delivers `messageId`. */
export function deliveryJob(conversationId: string, messageId: string) {
  return { queueName: outboundQueue(conversationId), jobKey: deliverJobKey(messageId), priority: DELIVERY_PRIORITY };
}

/** The job key of a run's pending timer (a question's timeout, a delay): one per run. */
export function waitTimerKey(runId: string): string {
  return `wait:${runId}`;
}
