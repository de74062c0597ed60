import { randomUUID } from 'node:crypto';
import { DelayedError, type Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { currentRequestId, requestContext } from 'src/common/http/request-context';
import { describeError, errorTrace } from 'src/common/errors/describe-error.util';
import { jsonPayloadProblem } from 'src/infrastructure/jobs/job-payload';
import {
  describePayload,
  type EnqueueOptions,
  type JobHandler,
  type JobQueue,
  type JobQueueOptions,
  type JobQueueReporter,
} from 'src/infrastructure/jobs/job-queue';
import { KeyOrder, type TurnCheck } from 'src/infrastructure/jobs/key-order';

/** What a job stores in Redis: the caller's payload and what the run needs around it. */
export interface BullJobData<T> {
  payload: T;
  /** The ordering key (EnqueueOptions.key), if any. */
  key?: string;
  /** The request that enqueued the job: restored around the handler, for its log lines. */
  requestId?: string;
}

/** Finished jobs kept for inspection: a bounded number, for a bounded time. */
export const KEEP_COMPLETED = { count: 1000, age: 24 * 3600 };
export const KEEP_FAILED = { count: 10_000, age: 7 * 24 * 3600 };

/**
 * A job whose predecessor (same key) has not finished goes back to the delayed set for this long,
 * unless the predecessor wakes it first when it finishes (the usual case).
 */
const KEY_WAIT_MS = 250;
/**
 * A predecessor linked this long ago is looked up in BullMQ: one it does not know (its enqueue
 * died half-way) or knows as finished without having released its key is skipped.
 */
const LOST_PREDECESSOR_MS = 60_000;

/**
 * Enqueues still on their way to Redis (`enqueue` returns before they land). `idle()` needs them:
 * a job may enqueue its follow-up and complete before that follow-up is in Redis.
 */
export class PendingAdds {
  private inFlight = 0;
  private settledCount = 0;
  private waiters: (() => void)[] = [];

  track(add: Promise<unknown>): void {
    this.inFlight += 1;
    void add.finally(() => {
      this.inFlight -= 1;
      this.settledCount += 1;
      if (this.inFlight > 0) return;
      const waiters = this.waiters;
      this.waiters = [];
      for (const resolve of waiters) resolve();
    });
  }

  get count(): number {
    return this.inFlight;
  }

  /** Grows by one whenever an add lands (or fails): a stable value means nothing landed meanwhile. */
  get settled(): number {
    return this.settledCount;
  }

  drained(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

export interface BullQueueDeps {
  /** Shared by every queue of the app for commands; each worker opens its blocking connection. */
  redis: Redis;
  prefix: string;
  adds: PendingAdds;
}

/**
 * One queue on BullMQ: jobs live in Redis, survive a restart and are shared by every instance
 * on the same Redis and prefix. Same contract as `InProcessJobQueue` (docs/architecture.md,
 * "Background jobs"): retries with exponential backoff, outcomes counted, per-key order (through
 * `KeyOrder`), the request id restored around the handler.
 */
export class BullJobQueue<T> implements JobQueue<T> {
  private readonly queue: Queue<BullJobData<T>>;
  private readonly worker: Worker<BullJobData<T>>;
  private readonly order: KeyOrder;
  /** Errors of handler runs this queue has counted already (the worker's `failed` event skips them). */
  private readonly counted = new WeakSet<object>();
  private running = 0;
  private closed = false;
  private stopping = false;
  private gaugeTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly name: string,
    private readonly handler: JobHandler<T>,
    private readonly options: JobQueueOptions,
    private readonly reporter: JobQueueReporter,
    private readonly deps: BullQueueDeps,
  ) {
    if (options.concurrency < 1 || options.attempts < 1 || options.backoffMs < 0)
      throw new Error(`Job queue ${name}: concurrency and attempts must be at least 1`);
    const connection = { connection: deps.redis, prefix: deps.prefix };
    this.queue = new Queue<BullJobData<T>>(name, {
      ...connection,
      defaultJobOptions: {
        attempts: options.attempts,
        backoff: { type: 'exponential', delay: options.backoffMs },
        removeOnComplete: KEEP_COMPLETED,
        removeOnFail: KEEP_FAILED,
      },
    });
    this.queue.on('error', (error) => this.reporter.warn(`Queue ${name}: ${error.message}`));
    this.worker = new Worker<BullJobData<T>>(name, (job, token) => this.process(job, token), {
      ...connection,
      concurrency: options.concurrency,
      // Started by `start()`, once the database is ready: jobs left in Redis by an earlier run
      // would otherwise spend their attempts on a database still connecting.
      autorun: false,
    });
    this.worker.on('error', (error) =>
      this.reporter.warn(`Queue ${name} worker: ${error.message}`),
    );
    // Failures the handler did not throw (a job stalled once too often): counted here.
    this.worker.on('failed', (job, error) => {
      if (this.counted.has(error)) return;
      this.reporter.outcome(name, 'failed');
      this.reporter.error(
        `Job ${job?.id ?? '?'} on queue ${name} failed: ${error.message}`,
        errorTrace(error),
      );
      if (job?.id !== undefined && job.data.key !== undefined)
        void this.release(job.data.key, job.id).catch(() => undefined);
    });
    this.order = new KeyOrder(deps.redis, deps.prefix, name);
  }

  /** Starts taking jobs (once; a no-op after `stopWorker`). */
  start(): void {
    if (this.stopping || this.worker.isRunning()) return;
    this.worker
      .run()
      .catch((error: unknown) =>
        this.reporter.warn(`Queue ${this.name} worker stopped: ${describeError(error)}`),
      );
  }

  enqueue(payload: T, options: EnqueueOptions = {}): string {
    const id = randomUUID();
    if (this.closed) {
      this.dropped(id, 'the queue is closed', payload);
      return id;
    }
    const problem = jsonPayloadProblem(payload);
    if (problem !== null) {
      this.dropped(id, `the payload is not plain JSON (${problem})`, payload, 'error');
      return id;
    }
    const { key } = options;
    const data: BullJobData<T> = { payload, key, requestId: currentRequestId() };
    // Called now, not later: the link command leaves on the shared connection in call order,
    // which makes a key's chain the enqueue order.
    const added = this.add(id, key, data).then(
      () => this.refreshGaugeSoon(),
      (error: unknown) =>
        this.dropped(id, `Redis refused it: ${describeError(error)}`, payload, 'error'),
    );
    this.deps.adds.track(added);
    return id;
  }

  async idle(): Promise<void> {
    for (;;) {
      await this.deps.adds.drained();
      const settled = this.deps.adds.settled;
      const counts = await this.counts();
      if (counts.total === 0 && this.deps.adds.count === 0 && this.deps.adds.settled === settled)
        return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Jobs of this queue in Redis, over every instance: not finished, and waiting (not started). */
  async counts(): Promise<{ total: number; waiting: number }> {
    const counts = await this.queue.getJobCounts(
      'wait',
      'prioritized',
      'delayed',
      'active',
      'waiting-children',
    );
    const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
    const waiting = total - (counts.active ?? 0);
    this.reporter.waiting(this.name, waiting);
    return { total, waiting };
  }

  /**
   * Stops taking jobs and gives the running ones up to `graceMs`; what waits stays in Redis for
   * the next instance. A job still running after the grace is abandoned: its lock expires and
   * another worker runs it again (handlers are idempotent).
   */
  async stopWorker(graceMs: number): Promise<void> {
    this.stopping = true;
    await this.worker.pause(true);
    const deadline = Date.now() + graceMs;
    while (this.running > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    if (this.running > 0)
      this.reporter.warn(
        `Queue ${this.name} closed with ${this.running} job(s) still running after ${graceMs} ms: another instance runs them again`,
      );
    await this.worker.close(true);
  }

  /** After `stopWorker`: no more enqueues (they are dropped and counted), then the queue closes. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.gaugeTimer);
    await this.queue.close();
  }

  private async add(id: string, key: string | undefined, data: BullJobData<T>): Promise<void> {
    if (key !== undefined) await this.order.link(key, id);
    try {
      await this.queue.add(this.name, data, { jobId: id });
    } catch (error) {
      // Never added: its successors must not wait for it.
      if (key !== undefined) await this.release(key, id).catch(() => undefined);
      throw error;
    }
  }

  private async process(job: Job<BullJobData<T>>, token: string | undefined): Promise<void> {
    const id = job.id ?? '';
    const { payload, key, requestId } = job.data;
    if (key !== undefined && !(await this.mayRun(job, key, token))) throw new DelayedError();
    const attempt = job.attemptsMade + 1;
    const attempts = job.opts.attempts ?? 1;
    this.running += 1;
    try {
      const run = () => this.handler(payload, { queue: this.name, id, attempt });
      await (requestId === undefined ? run() : requestContext.run({ requestId }, run));
      this.reporter.outcome(this.name, 'completed');
      if (key !== undefined) await this.release(key, id);
    } catch (thrown) {
      const error = thrown instanceof Error ? thrown : new Error(describeError(thrown));
      const message = describeError(thrown);
      this.counted.add(error);
      if (attempt < attempts) {
        const delayMs = this.options.backoffMs * 2 ** (attempt - 1);
        this.reporter.outcome(this.name, 'retried');
        this.reporter.warn(
          `Job ${id} on queue ${this.name} failed (attempt ${attempt} of ${attempts}), retrying in ${delayMs} ms: ${message}`,
        );
      } else {
        this.reporter.outcome(this.name, 'failed');
        this.reporter.error(
          `Job ${id} on queue ${this.name} failed after ${attempt} attempt(s): ${message} (${describePayload(payload)})`,
          errorTrace(thrown),
        );
        if (key !== undefined) await this.release(key, id).catch(() => undefined);
      }
      throw error;
    } finally {
      this.running -= 1;
      this.refreshGaugeSoon();
    }
  }

  /**
   * True when the job's predecessor (same key) has finished. Otherwise the job is moved back to
   * the delayed set, to be woken by the predecessor when it finishes (or after KEY_WAIT_MS).
   */
  private async mayRun(
    job: Job<BullJobData<T>>,
    key: string,
    token: string | undefined,
  ): Promise<boolean> {
    const id = job.id ?? '';
    const turn = await this.order.check(id);
    if (turn.turn === 'go') return true;
    if (await this.lost(turn)) {
      this.reporter.warn(
        `Job ${turn.predecessor} on queue ${this.name} never reached Redis or finished without releasing its key: job ${id} no longer waits for it`,
      );
      await this.release(key, turn.predecessor);
      return (await this.order.check(id)).turn === 'go';
    }
    await job.moveToDelayed(Date.now() + KEY_WAIT_MS, token);
    // The predecessor may have finished between the check and the move, too early to wake us.
    if ((await this.order.check(id)).turn === 'go') await job.promote().catch(() => undefined);
    return false;
  }

  /**
   * A predecessor linked long ago that BullMQ does not know (its enqueue died half-way) or has
   * finished without releasing its key (a Redis error at that moment).
   */
  private async lost(turn: Extract<TurnCheck, { turn: 'wait' }>): Promise<boolean> {
    if (Date.now() - turn.predecessorLinkedAt < LOST_PREDECESSOR_MS) return false;
    const state = await this.queue.getJobState(turn.predecessor);
    return state === 'unknown' || state === 'completed' || state === 'failed';
  }

  /** Marks the job finished for its key and wakes its successor, if it sleeps. */
  private async release(key: string, id: string): Promise<void> {
    const next = await this.order.finish(key, id);
    if (next === '') return;
    const successor = await this.queue.getJob(next);
    if (successor && (await successor.isDelayed()))
      await successor.promote().catch(() => undefined);
  }

  private dropped(id: string, why: string, payload: T, level: 'warn' | 'error' = 'warn'): void {
    this.reporter.outcome(this.name, 'dropped');
    const message = `Job ${id} on queue ${this.name} dropped: ${why} (${describePayload(payload)})`;
    if (level === 'warn') this.reporter.warn(message);
    else this.reporter.error(message, '');
  }

  /** `dancely_jobs_waiting` from Redis, at most a few times a second. */
  private refreshGaugeSoon(): void {
    if (this.gaugeTimer !== undefined || this.closed) return;
    this.gaugeTimer = setTimeout(() => {
      this.gaugeTimer = undefined;
      if (!this.closed) void this.counts().catch(() => undefined);
    }, 200).unref();
  }
}
