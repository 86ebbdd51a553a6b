import { ApiError } from './errors';

/**
 * Test runs execute a draft with real HTTP and AI calls, for up to TEST_RUN_DEADLINE_MS each. A
 * workspace may hold MAX_TEST_RUNS_PER_WORKSPACE of them at once, so twenty heavy ones cannot take
 * the process's sockets and time from other tenants. The count is kept in this process's memory:
 * with several API processes behind a balancer the bound is this number per process.
 */
export const MAX_TEST_RUNS_PER_WORKSPACE = 3;
/**
 * Shorter than the 30 s deadline of every /api request (app.ts): a run is stopped, its outbound
 * calls closed, before its caller is answered 503, so nothing keeps calling out for an answer
 * nobody waits for. An HTTP step allowed 30 s is cut short here.
 */
export const TEST_RUN_DEADLINE_MS = 25_000;

const running = new Map<string, number>();

/**
 * Runs `run` in one of the workspace's test-run slots, with a signal that fires when the
 * request goes away (`requestSignal`) or the deadline passes; 429 when every slot is taken.
 */
export async function withTestRunSlot<T>(
  workspaceId: string,
  requestSignal: AbortSignal,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const taken = running.get(workspaceId) ?? 0;
  if (taken >= MAX_TEST_RUNS_PER_WORKSPACE) {
    throw new ApiError(
      429,
      'rate_limited',
      `This workspace already has ${MAX_TEST_RUNS_PER_WORKSPACE} test runs going; wait for one to finish, then try again.`,
      undefined,
      { 'Retry-After': '5' },
    );
  }
  running.set(workspaceId, taken + 1);
  // A timer of our own, not AbortSignal.timeout(): AbortSignal.any() holds its sources weakly, and
  // a timeout signal nothing else refers to can be collected before it fires (the run then went
  // on until the API deadline answered 503).
  const deadline = new AbortController();
  const timer = setTimeout(
    () => deadline.abort(new Error(`the test run took longer than ${TEST_RUN_DEADLINE_MS / 1000} s`)),
    TEST_RUN_DEADLINE_MS,
  );
  try {
    return await run(AbortSignal.any([requestSignal, deadline.signal]));
  } finally {
    clearTimeout(timer);
    const left = (running.get(workspaceId) ?? 1) - 1;
    if (left > 0) running.set(workspaceId, left);
    else running.delete(workspaceId);
  }
}
