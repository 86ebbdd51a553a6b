import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Database } from '@switchboard/db';
import type { Logger } from '../logger';
import { claimQueue, completeAndTakeNext, failJob, type AddedJob, type DeferFinalWrite, type FinalWrite, type HeldJob, type JobTaker, type LocalOf } from './inline-job-statements';

/** A job locked by this process that it no longer runs (its settle failed) is released after this. */
const ORPHANED_AFTER_S = 10;
/** Locked jobs a process may keep waiting per slot before new ones wait for room (payloads are small). */
const BACKLOG_PER_SLOT = 20;
/**
 * How long a job waits for room before it is added without taking its queue (see JobTaker): well
 * inside the providers' webhook timeouts (10 s and more), and long enough that a burst is paced by
 * this process's throughput instead of growing a backlog. 0.5 s answered webhooks sooner under
 * overload (ack p99 0.6–2.1 s against 2.8–13 s at 500 and 1,000 msg/s offered, 10 s runs, 2 pairs)
 * but fewer of them got replies: 283–342 against 379–484 replies/s.
 */
const ROOM_WAIT_MS = 3_000;

export interface InlineJobsOptions {
  /** Jobs run at once. */
  concurrency: number;
  /** Jobs locked and waiting for a slot, at most; past it, new jobs wait for room (default 20 per slot). */
  backlog?: number;
  /** How long reserveOrWait() waits for room before the caller adds its job without room. */
  roomWaitMs?: number;
  /** Read for a job this process takes from a queue it holds or claims, for its task (see LocalOf). */
  localOf?: LocalOf;
}

/**
 * A task; it may hand its last write to the statement that completes its job (see FinalWrite).
 * `local` is what the statement that added or took the job handed over in memory (see added(), LocalOf).
 */
type TaskFn = (payload: unknown, deferFinalWrite: DeferFinalWrite, local?: unknown) => Promise<unknown>;

/** A named queue this process holds: one of its jobs waits or runs here. */
interface HeldQueue {
  /** The statement that completes its current job is on its way (it may not see a job added meanwhile). */
  settling: boolean;
  /** A job was added behind it while settling: look again once it is settled. */
  missed: boolean;
  /** Jobs this process put behind it and has not taken yet (counted as room used). */
  behind: number;
}

/**
 * Jobs the process that created them runs at once, without Graphile's fetch.
 *
 * A customer's message used to be stored with a `route_event` job, and then a worker found it
 * through get_job: a NOTIFY that woke every idle worker, about 2.3 get_job calls per message, each
 * locking every idle named queue (one per conversation). Now, when this process has room, the
 * statement that stores the message also takes the conversation's queue and adds the job already
 * locked by this process (a worker id like Graphile's own), and this process runs it right after
 * the commit, or as soon as one of its `concurrency` slots frees up.
 *
 * While a conversation's queue is held, its next messages go in behind it without a NOTIFY, and
 * completing a job takes the next one of its queue in the same statement and keeps the queue. So a
 * busy conversation is drained here, not through get_job, whose strategy lets only one of several
 * concurrent callers see the idle queues (under load Graphile's workers ran 1 to 3 jobs at a time
 * with hundreds waiting). The next job goes to the back of the local line, so one chatty
 * conversation does not keep a slot while others wait.
 *
 * Everything else stays Graphile's: the queue lock keeps the conversation's jobs in order, a failure
 * is retried with Graphile's backoff, a job left behind a queue nobody here holds is found by
 * Graphile's poll, and a process killed mid-job leaves locks the reaper releases once its heartbeat
 * stops.
 */
export class InlineJobs {
  readonly workerId = `inline-${randomUUID()}`;
  /** Slots promised to statements that may lock a job for this process and have not said yet. */
  private promised = 0;
  private active = 0;
  /** Every job locked for this process that it still means to run: waiting or running. */
  private readonly held = new Set<string>();
  private readonly waiting: HeldJob[] = [];
  /** What the adding statement read for a held job's task, by job id (see added()). */
  private readonly locals = new Map<string, unknown>();
  private readonly queues = new Map<number, HeldQueue>();
  /** The sum of the held queues' `behind`. */
  private behind = 0;
  /** Callers of reserveOrWait() waiting for room. */
  private roomWaiters: (() => void)[] = [];
  private readonly taskNames: string[];
  private readonly concurrency: number;
  private readonly backlog: number;
  private readonly roomWaitMs: number;
  private readonly localOf: LocalOf | undefined;

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
    private readonly tasks: Record<string, TaskFn>,
    options: InlineJobsOptions,
  ) {
    this.taskNames = Object.keys(tasks);
    this.concurrency = options.concurrency;
    this.backlog = options.backlog ?? options.concurrency * BACKLOG_PER_SLOT;
    this.roomWaitMs = options.roomWaitMs ?? ROOM_WAIT_MS;
    this.localOf = options.localOf;
  }

  /** Room for one job created in the caller's statement; release() it if that statement did not lock one. */
  reserve(): boolean {
    if (this.promised + this.held.size + this.behind >= this.concurrency + this.backlog) return false;
    this.promised++;
    return true;
  }

  release(): void {
    this.promised = Math.max(0, this.promised - 1);
    this.roomFreed();
  }

  /**
   * reserve(), or wait up to roomWaitMs for room. Under a burst the webhook waits for this process,
   * which is backpressure on the sender, instead of handing Graphile a backlog it serves more slowly
   * (every overflowing job is an add_job NOTIFY, and get_job contends on the busy queues).
   */
  async reserveOrWait(): Promise<boolean> {
    const deadline = performance.now() + this.roomWaitMs;
    while (!this.reserve()) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.roomWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return true;
  }

  /**
   * What the caller adds its job with (addJobCtes): with room (reserveOrWait), a job this process
   * locks and runs; without, still one it keeps off Graphile's NOTIFY when it goes behind a busy
   * queue. Give it back to added() or, if the statement failed, dropped().
   */
  async taker(): Promise<JobTaker> {
    return { workerId: this.workerId, lock: await this.reserveOrWait() };
  }

  /** The statement that was to add a job with `taker` failed. */
  dropped(taker: JobTaker): void {
    if (taker.lock) this.release();
  }

  /** Runs (now or once a slot frees) a job the caller's committed statement locked for this process; never throws. */
  start(job: HeldJob): void {
    this.promised = Math.max(0, this.promised - 1);
    this.hold(job);
  }

  /**
   * After the commit of a statement built on addJobCtes for `task` with `taker`: runs the job it
   * locked for this process, or gives the room back, and tells a job put behind a busy queue to its
   * holder. `job` is undefined when the statement added none (it rolled back).
   * `local` goes to the task when this process runs the job it locked (it saves the task a read); a
   * job put behind a queue gets what `localOf` reads when its holder takes it, if that is this process.
   */
  added(task: string, job: AddedJob | undefined, taker: JobTaker, local?: unknown): void {
    if (job?.locked_job_id) {
      if (local !== undefined) this.locals.set(job.locked_job_id, local);
      this.start({ id: job.locked_job_id, task, payload: job.job_payload, job_queue_id: job.locked_queue_id });
    } else this.dropped(taker);
    if (job?.quiet_queue_id) this.queuedBehind(job.quiet_queue_id);
  }

  /**
   * The caller's committed statement put a job behind the busy queue `queueId`. Its holder takes it
   * on completing its current job, unless that completion was already on its way: then it looks
   * again. If this process does not hold the queue (it just let go, or another process holds it),
   * it takes the queue now if it is free.
   */
  queuedBehind(queueId: number): void {
    const queue = this.queues.get(queueId);
    if (queue) {
      if (queue.settling) queue.missed = true;
      queue.behind++;
      this.behind++;
      return;
    }
    void this.claim(queueId);
  }

  private hold(job: HeldJob): void {
    this.held.add(job.id);
    if (job.local != null) this.locals.set(job.id, job.local);
    if (job.job_queue_id !== null && !this.queues.has(job.job_queue_id)) this.queues.set(job.job_queue_id, { settling: false, missed: false, behind: 0 });
    this.waiting.push(job);
    this.pump();
  }

  private pump(): void {
    while (this.active < this.concurrency && this.waiting.length) {
      const job = this.waiting.shift()!;
      this.active++;
      void this.run(job).then((next) => {
        this.active--;
        if (next) this.hold(next);
        else this.pump();
        this.roomFreed();
      });
    }
  }

  /** Runs one job and settles it; returns the next job of its queue when it took one. */
  private async run(job: HeldJob): Promise<HeldJob | null> {
    const fn = this.tasks[job.task];
    let error: string | null = fn ? null : `No task ${job.task}`;
    let final: FinalWrite | undefined;
    const local = this.locals.get(job.id);
    this.locals.delete(job.id);
    if (fn) {
      try {
        await fn(job.payload, (write) => void (final = write), local);
      } catch (err) {
        error = (err as Error)?.message ?? String(err);
        this.logger.warn({ jobId: job.id, task: job.task, err: error }, 'inline job failed; Graphile retries it');
      }
    }
    const queue = job.job_queue_id === null ? undefined : this.queues.get(job.job_queue_id);
    if (queue) Object.assign(queue, { settling: true, missed: false });
    let next: HeldJob | null = null;
    try {
      if (error !== null) {
        // It failed after its last write was handed over: that write (a reply that went out) still happens.
        if (final) await this.db.execute(final.statement);
        await this.db.execute(failJob(job.id, this.workerId, error));
      } else next = (await this.db.execute<HeldJob>(completeAndTakeNext(job.id, this.workerId, this.taskNames, final, this.localOf))).rows[0] ?? null;
      if (final) void final.after().catch((err: unknown) => this.logger.warn({ jobId: job.id, err: (err as Error).message }, 'after a job\'s last write'));
    } catch (err) {
      // Still locked by this (live) process: releaseOrphans() hands it back to Graphile.
      this.logger.warn({ jobId: job.id, err: (err as Error).message }, 'could not record an inline job; it will be released');
    }
    this.held.delete(job.id);
    if (!queue) return next;
    queue.settling = false;
    if (next) {
      if (queue.behind) {
        queue.behind--;
        this.behind--;
      }
      return next;
    }
    this.behind -= queue.behind;
    this.queues.delete(job.job_queue_id!);
    if (queue.missed && error === null) void this.claim(job.job_queue_id!);
    return null;
  }

  /** Takes the queue, if free, with its next job due, and runs it. */
  private async claim(queueId: number): Promise<void> {
    try {
      const next = (await this.db.execute<HeldJob>(claimQueue(queueId, this.workerId, this.taskNames, this.localOf))).rows[0];
      if (next) this.hold(next);
    } catch (err) {
      // The job stays available: Graphile's poll finds it.
      this.logger.warn({ queueId, err: (err as Error).message }, 'could not take a queue behind which a job was added');
    }
  }

  /** Every waiter tries again (they are few, and a try is a comparison). */
  private roomFreed(): void {
    if (!this.roomWaiters.length) return;
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves once no inline job runs or waits (shutdown waits for them, as Graphile's runner does for its own). */
  async idle(): Promise<void> {
    while (this.held.size || this.active) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  /** Releases jobs this process locked but no longer means to run (their completion could not be written). */
  async releaseOrphans(): Promise<number> {
    const result = await this.db.execute<{ id: string }>(sql`
      select id::text from graphile_worker._private_jobs
      where locked_by = ${this.workerId} and locked_at < now() - make_interval(secs => ${ORPHANED_AFTER_S})`);
    const orphans = result.rows.map((r) => r.id).filter((id) => !this.held.has(id));
    for (const id of orphans) await this.db.execute(failJob(id, this.workerId, 'The process that ran this job lost track of it'));
    return orphans.length;
  }
}
