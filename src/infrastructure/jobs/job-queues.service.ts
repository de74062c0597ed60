import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  type JobHandler,
  JobQueue,
  type JobQueueOptions,
  type JobQueueReporter,
} from 'src/infrastructure/jobs/job-queue';
import { MetricsService } from 'src/infrastructure/metrics/metrics.service';

export const DEFAULT_JOB_OPTIONS: JobQueueOptions = { concurrency: 2, attempts: 3, backoffMs: 500 };

/** How long shutdown gives the queues to run what they hold before the server stops. */
const SHUTDOWN_GRACE_MS = 5000;

/**
 * The application's job queues, by name: each reports its outcomes to `/metrics`
 * (`dancely_jobs_total{queue,outcome}`, `dancely_jobs_waiting{queue}`) and its failures to the
 * log. In-process (`JobQueue`); a queue that survives restarts (BullMQ on Redis) is the planned
 * production backend behind the same `create`/`enqueue` calls.
 *
 * Shutdown, in Nest's order: before the server stops, the queues get up to SHUTDOWN_GRACE_MS to
 * run what they hold; while in-flight requests finish they keep taking and running jobs (the
 * database closes only after that); this global module's own shutdown hook runs last, and closes
 * them: whatever is still waiting is dropped, logged and counted.
 */
@Injectable()
export class JobQueues implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private readonly queues = new Map<string, JobQueue<never>>();
  private readonly reporter: JobQueueReporter;

  constructor(metrics: MetricsService) {
    this.reporter = {
      outcome: (queue, outcome) => metrics.recordJob(queue, outcome),
      waiting: (queue, count) => metrics.setJobsWaiting(queue, count),
      warn: (message) => this.logger.warn(message),
      error: (message, trace) => this.logger.error(message, trace),
    };
  }

  /** A new queue; `name` is a fixed word of the code (a metrics label), unique in the application. */
  create<T>(
    name: string,
    handler: JobHandler<T>,
    options: Partial<JobQueueOptions> = {},
  ): JobQueue<T> {
    if (this.queues.has(name)) throw new Error(`Job queue ${name} exists already`);
    const queue = new JobQueue<T>(
      name,
      handler,
      { ...DEFAULT_JOB_OPTIONS, ...options },
      this.reporter,
    );
    this.queues.set(name, queue as unknown as JobQueue<never>);
    this.reporter.waiting(name, 0);
    return queue;
  }

  /**
   * Resolves when every queue is idle at the same moment (a job of one queue may enqueue on
   * another, or on its own). For tests that read what the jobs wrote, and for the benchmark.
   */
  async idle(): Promise<void> {
    for (;;) {
      const queues = [...this.queues.values()];
      await Promise.all(queues.map((queue) => queue.idle()));
      const busy = queues.some((queue) => {
        const { waiting, delayed, running } = queue.pending;
        return waiting + delayed + running > 0;
      });
      if (!busy) return;
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, SHUTDOWN_GRACE_MS);
    });
    await Promise.race([this.idle(), grace]);
    clearTimeout(timer);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close(0)));
  }
}
