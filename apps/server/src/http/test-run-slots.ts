import { ApiError } from './errors';

/**
 * Test runs execute a draft with real HTTP and AI calls, for up to TEST_RUN_DEADLINE_MS each. A
 * workspace may hold MAX_TEST_RUNS_PER_WORKSPACE of them at once, so twenty heavy ones cannot take
 * the process's sockets and time from other tenants. The count is kept in this process's memory:
 * with several API processes behind a balancer the bound is this number per process.
 */
export const MAX_TEST_RUNS_PER_WORKSPACE = 3;
/** Longer than any one step may take (HTTP steps time out at 30 s at most), shorter than patience. */
export const TEST_RUN_DEADLINE_MS = 60_000;

const running = new Map<string, number>();

/**
 * Runs `run` in one of the workspace's test-run slots, with a signal that fires when the
 * request goes away (`requestSignal`) or the deadline passes; 429 when every slot is taken.
 */
export async function withTestRunSlot<T>(workspaceId: string, requestSignal: AbortSignal, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
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
  try {
    return await run(AbortSignal.any([requestSignal, AbortSignal.timeout(TEST_RUN_DEADLINE_MS)]));
  } finally {
    const left = (running.get(workspaceId) ?? 1) - 1;
    if (left > 0) running.set(workspaceId, left);
    else running.delete(workspaceId);
  }
}
