import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Redis } from 'ioredis';
import type { AppConfig } from 'src/config/app-config';
import { InjectConfig } from 'src/config/app-config.provider';
import { DatabaseSupervisorService } from 'src/infrastructure/database/database-supervisor.service';
import { BullJobQueue, PendingAdds } from 'src/infrastructure/jobs/bull-job-queue';
import {
  InProcessJobQueue,
  type JobHandler,
  type JobQueue,
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
 * log. Two backends behind the same `create`/`enqueue`/`idle` calls (docs/architecture.md,
 * "Background jobs"):
 *
 * - with THROTTLE_REDIS_URL, BullMQ queues in that Redis under JOBS_PREFIX (`BullJobQueue`):
 *   durable, shared by every instance. Shutdown: before the server stops, the workers stop taking
 *   jobs and get up to SHUTDOWN_GRACE_MS to finish the running ones; what waits stays in Redis,
 *   and requests still draining keep enqueueing there; this module's shutdown hook, last, closes
 *   the queues and the connection.
 * - without it, in-process queues (`InProcessJobQueue`). Shutdown: before the server stops, the
 *   queues get up to SHUTDOWN_GRACE_MS to run what they hold; while in-flight requests finish they
 *   keep taking and running jobs; the shutdown hook closes them: whatever is still waiting is
 *   dropped, logged and counted.
 */
@Injectable()
export class JobQueues
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger('Jobs');
  private readonly memory = new Map<string, InProcessJobQueue<never>>();
  private readonly bull = new Map<string, BullJobQueue<never>>();
  private readonly reporter: JobQueueReporter;
  private readonly redis: Redis | null;
  private readonly adds = new PendingAdds();
  /** Workers take jobs once the database is ready (jobs from an earlier run may be waiting). */
  private started = false;

  constructor(
    metrics: MetricsService,
    @InjectConfig() private readonly config: AppConfig,
    private readonly database: DatabaseSupervisorService,
  ) {
    this.reporter = {
      outcome: (queue, outcome) => metrics.recordJob(queue, outcome),
      waiting: (queue, count) => metrics.setJobsWaiting(queue, count),
      warn: (message) => this.logger.warn(message),
      error: (message, trace) => this.logger.error(message, trace),
    };
    this.redis = config.throttleRedisUrl ? this.connect(config.throttleRedisUrl) : null;
  }

  /** Where the jobs live: `redis` (durable, shared) or `memory` (this process only). */
  get backend(): 'redis' | 'memory' {
    return this.redis ? 'redis' : 'memory';
  }

  /** A new queue; `name` is a fixed word of the code (a metrics label), unique in the application. */
  create<T>(
    name: string,
    handler: JobHandler<T>,
    options: Partial<JobQueueOptions> = {},
  ): JobQueue<T> {
    if (this.memory.has(name) || this.bull.has(name))
      throw new Error(`Job queue ${name} exists already`);
    const settings = { ...DEFAULT_JOB_OPTIONS, ...options };
    this.reporter.waiting(name, 0);
    if (this.redis) {
      const queue = new BullJobQueue<T>(name, handler, settings, this.reporter, {
        redis: this.redis,
        prefix: this.config.jobs.prefix,
        adds: this.adds,
      });
      this.bull.set(name, queue as unknown as BullJobQueue<never>);
      if (this.started) queue.start();
      return queue;
    }
    const queue = new InProcessJobQueue<T>(name, handler, settings, this.reporter);
    this.memory.set(name, queue as unknown as InProcessJobQueue<never>);
    return queue;
  }

  /**
   * Resolves when every queue is idle at the same moment (a job of one queue may enqueue on
   * another, or on its own): with Redis, when no job of these queues is waiting, delayed or
   * running on any instance. For tests that read what the jobs wrote, and for the benchmark.
   */
  async idle(): Promise<void> {
    if (this.redis) return this.bullIdle();
    for (;;) {
      const queues = [...this.memory.values()];
      await Promise.all(queues.map((queue) => queue.idle()));
      const busy = queues.some((queue) => {
        const { waiting, delayed, running } = queue.pending;
        return waiting + delayed + running > 0;
      });
      if (!busy) return;
    }
  }

  onApplicationBootstrap(): void {
    if (!this.redis) return;
    void this.database.whenReady().then(() => {
      this.started = true;
      for (const queue of this.bull.values()) queue.start();
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.redis) {
      await Promise.all(
        [...this.bull.values()].map((queue) => queue.stopWorker(SHUTDOWN_GRACE_MS)),
      );
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, SHUTDOWN_GRACE_MS);
    });
    await Promise.race([this.idle(), grace]);
    clearTimeout(timer);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.memory.values()].map((queue) => queue.close(0)));
    if (!this.redis) return;
    // Enqueues made by the last requests reach Redis first (bounded: the connection may be gone).
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.adds.drained(),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_GRACE_MS))),
    ]);
    clearTimeout(timer);
    await Promise.all([...this.bull.values()].map((queue) => queue.close()));
    await this.redis.quit().catch(() => this.redis?.disconnect());
  }

  private async bullIdle(): Promise<void> {
    const queues = [...this.bull.values()];
    for (;;) {
      await this.adds.drained();
      const settled = this.adds.settled;
      const counts = await Promise.all(queues.map((queue) => queue.counts()));
      const total = counts.reduce((sum, count) => sum + count.total, 0);
      if (total === 0 && this.adds.count === 0 && this.adds.settled === settled) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /**
   * The connection every queue shares for its commands (each worker opens its own blocking one).
   * BullMQ needs `maxRetriesPerRequest: null`: its commands wait for a reconnect instead of
   * failing; an enqueue during an outage waits in the offline queue and lands when Redis is back.
   */
  private connect(url: string): Redis {
    const redis = new Redis(url, { maxRetriesPerRequest: null, enableOfflineQueue: true });
    redis.on('error', (error: Error) => this.logger.warn(`Redis (jobs): ${error.message}`));
    return redis;
  }
}
