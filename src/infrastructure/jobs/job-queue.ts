import { randomUUID } from 'node:crypto';
import { AsyncLocalStorage } from 'node:async_hooks';
import { describeError, errorTrace } from 'src/common/errors/describe-error.util';
import { jsonPayloadProblem } from 'src/infrastructure/jobs/job-payload';

/** What a handler learns about the job it runs (for its log lines). */
export interface JobContext {
  queue: string;
  id: string;
  /** 1 for the first run, then 2, 3… on retries. */
  attempt: number;
}

export type JobHandler<T> = (payload: T, job: JobContext) => Promise<void>;

export interface JobQueueOptions {
  /** Jobs run at the same time. */
  concurrency: number;
  /** Runs of one job before it counts as failed (the first included). */
  attempts: number;
  /** Wait before the first retry; doubled before each further one. */
  backoffMs: number;
}

export interface EnqueueOptions {
  /**
   * Jobs with the same key run one at a time, in the order they were enqueued (a job waiting
   * for its retry keeps its key), while jobs with other keys or none run beside them.
   */
  key?: string;
}

/**
 * How a run ended: `completed`; `retried` (it threw and will run again); `failed` (it threw on
 * its last attempt); `dropped` (never ran: the queue was closed before its turn).
 */
export type JobOutcome = 'completed' | 'retried' | 'failed' | 'dropped';

/** Where a queue reports, so that it needs neither Nest nor the metrics registry to be tested. */
export interface JobQueueReporter {
  outcome(queue: string, outcome: JobOutcome): void;
  /** Jobs enqueued and not started (retries waiting for their backoff included). */
  waiting(queue: string, count: number): void;
  warn(message: string): void;
  error(message: string, trace: string): void;
}

/**
 * A named queue, as its callers see it, whichever backend runs it: in this process
 * (`InProcessJobQueue`) or in Redis (`BullJobQueue`, when THROTTLE_REDIS_URL is set).
 */
export interface JobQueue<T> {
  readonly name: string;
  /**
   * Queues a job and returns its id at once; the job runs after the caller has moved on. The
   * payload must be plain JSON (strings, numbers, booleans, null, arrays, plain objects: ids as
   * strings, dates as ISO strings), as a Redis-backed queue stores it; a payload that is not is
   * refused (logged, counted as `dropped`) by either backend, so that the zero-config queue
   * catches what the durable one would mangle.
   */
  enqueue(payload: T, options?: EnqueueOptions): string;
  /** Resolves when none of this queue's jobs is waiting, delayed or running. */
  idle(): Promise<void>;
}

interface Job<T> {
  id: string;
  payload: T;
  key: string | undefined;
  attempt: number;
  /** Runs the handler in the async context of the code that enqueued the job (request id). */
  inContext: <R>(fn: () => R) => R;
}

/**
 * A small in-process job queue: FIFO, at most `concurrency` jobs at once, jobs of one key in
 * order, a job that throws runs again after a backoff until `attempts` runs have failed. Jobs
 * live in this process's memory only: a restart loses what is waiting (docs/architecture.md,
 * "Background jobs"). `idle()` lets tests and shutdown wait until nothing is waiting, delayed
 * or running.
 */
export class InProcessJobQueue<T> implements JobQueue<T> {
  private readonly ready: Job<T>[] = [];
  private readonly delayed = new Map<NodeJS.Timeout, Job<T>>();
  /** Keys of the jobs running or waiting for a retry: their later jobs wait. */
  private readonly busyKeys = new Set<string>();
  private running = 0;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    readonly name: string,
    private readonly handler: JobHandler<T>,
    private readonly options: JobQueueOptions,
    private readonly reporter: JobQueueReporter,
  ) {
    if (options.concurrency < 1 || options.attempts < 1 || options.backoffMs < 0)
      throw new Error(`Job queue ${name}: concurrency and attempts must be at least 1`);
  }

  /** Queues a job and returns its id at once; the job runs after the caller has moved on. */
  enqueue(payload: T, options: EnqueueOptions = {}): string {
    const id = randomUUID();
    if (this.closed) {
      this.reporter.outcome(this.name, 'dropped');
      this.reporter.warn(
        `Job ${id} on queue ${this.name} dropped: the queue is closed (${describePayload(payload)})`,
      );
      return id;
    }
    const problem = jsonPayloadProblem(payload);
    if (problem !== null) {
      this.reporter.outcome(this.name, 'dropped');
      this.reporter.error(
        `Job ${id} on queue ${this.name} dropped: the payload is not plain JSON (${problem})`,
        '',
      );
      return id;
    }
    this.ready.push({
      id,
      payload,
      key: options.key,
      attempt: 1,
      inContext: AsyncLocalStorage.snapshot(),
    });
    this.reportWaiting();
    // Started on a later turn of the event loop, never inside the caller's own await chain.
    setImmediate(() => this.pump());
    return id;
  }

  /** Resolves when no job is waiting, delayed or running. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  get pending(): { waiting: number; delayed: number; running: number } {
    return { waiting: this.ready.length, delayed: this.delayed.size, running: this.running };
  }

  /**
   * Stops taking jobs: what waits (retries included) is dropped and counted, what runs gets up
   * to `graceMs` to finish. Resolves when the running jobs are done or the grace is over.
   */
  async close(graceMs: number): Promise<void> {
    this.closed = true;
    const dropped = this.ready.length + this.delayed.size;
    for (const timer of this.delayed.keys()) clearTimeout(timer);
    this.delayed.clear();
    this.ready.length = 0;
    if (dropped > 0) {
      for (let i = 0; i < dropped; i++) this.reporter.outcome(this.name, 'dropped');
      this.reporter.warn(`Queue ${this.name} closed: ${dropped} waiting job(s) dropped`);
    }
    this.reportWaiting();
    this.settleIdle();
    if (this.running === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), graceMs);
    });
    const done = await Promise.race([this.idle().then(() => 'done' as const), grace]);
    clearTimeout(timer);
    if (done === 'late')
      this.reporter.warn(
        `Queue ${this.name} closed with ${this.running} job(s) still running after ${graceMs} ms`,
      );
  }

  private pump(): void {
    while (!this.closed && this.running < this.options.concurrency) {
      // The oldest job whose key is free (or that holds its key through a retry).
      const index = this.ready.findIndex(
        (job) => job.key === undefined || job.attempt > 1 || !this.busyKeys.has(job.key),
      );
      if (index === -1) return;
      const [job] = this.ready.splice(index, 1);
      if (job.key !== undefined) this.busyKeys.add(job.key);
      this.reportWaiting();
      this.running += 1;
      void this.run(job).then((retrying) => {
        this.running -= 1;
        if (!retrying && job.key !== undefined) this.busyKeys.delete(job.key);
        this.pump();
        this.settleIdle();
      });
    }
  }

  /** Runs the job once; true when it failed and a retry is scheduled. Never rejects. */
  private async run(job: Job<T>): Promise<boolean> {
    const context: JobContext = { queue: this.name, id: job.id, attempt: job.attempt };
    try {
      await job.inContext(() => this.handler(job.payload, context));
      this.reporter.outcome(this.name, 'completed');
      return false;
    } catch (error) {
      const message = describeError(error);
      if (job.attempt < this.options.attempts && !this.closed) {
        const delayMs = this.options.backoffMs * 2 ** (job.attempt - 1);
        this.reporter.outcome(this.name, 'retried');
        this.reporter.warn(
          `Job ${job.id} on queue ${this.name} failed (attempt ${job.attempt} of ${this.options.attempts}), retrying in ${delayMs} ms: ${message}`,
        );
        this.retryLater({ ...job, attempt: job.attempt + 1 }, delayMs);
        return true;
      }
      this.reporter.outcome(this.name, 'failed');
      this.reporter.error(
        `Job ${job.id} on queue ${this.name} failed after ${job.attempt} attempt(s): ${message} (${describePayload(job.payload)})`,
        errorTrace(error),
      );
      return false;
    }
  }

  private retryLater(job: Job<T>, delayMs: number): void {
    const timer = setTimeout(() => {
      this.delayed.delete(timer);
      // Ahead of the jobs enqueued since: it is older than all of them.
      this.ready.unshift(job);
      this.pump();
    }, delayMs);
    // A retry waiting for its turn does not keep the process alive; close() drops it anyway.
    timer.unref();
    this.delayed.set(timer, job);
    this.reportWaiting();
  }

  private isIdle(): boolean {
    return this.ready.length === 0 && this.delayed.size === 0 && this.running === 0;
  }

  private settleIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private reportWaiting(): void {
    this.reporter.waiting(this.name, this.ready.length + this.delayed.size);
  }
}

/** Payloads are ids and dates, never secrets: they go into the log line of a failed job. */
export function describePayload(payload: unknown): string {
  try {
    return JSON.stringify(payload) ?? String(payload);
  } catch {
    return String(payload);
  }
}
