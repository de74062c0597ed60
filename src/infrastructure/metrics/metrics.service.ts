import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { isCatchAll, routeMethods } from 'src/common/http/route-table.util';
import type { AppConfig } from 'src/config/app-config';
import { InjectConfig } from 'src/config/app-config.provider';
import type { JobOutcome } from 'src/infrastructure/jobs/job-queue';
import type { RequestObserver } from 'src/infrastructure/logging/access-log.middleware';
import { processMetricsRegistry } from 'src/infrastructure/metrics/process-metrics.util';

/** The route label of requests that no route matched: one series, whatever paths are tried. */
export const UNMATCHED_ROUTE = 'unmatched';
/** The collection label of commands that name none (`ping`, `hello`, database-wide `aggregate`). */
export const NO_COLLECTION = 'none';
/** The collection label of a name that is not one of the models' collections. */
export const OTHER_COLLECTION = 'other';

export type DbCommandOutcome = 'ok' | 'error';

/**
 * The application's Prometheus metrics, in a registry of this application, served together with
 * the process's default metrics. Every series has bounded labels: route templates (never
 * raw paths), status codes, command and collection names known to the code.
 *
 * With metrics disabled the instruments still exist (recording into them costs next to nothing
 * and callers need no branch), but nothing feeds them and nothing serves them.
 */
@Injectable()
export class MetricsService {
  readonly enabled: boolean;
  readonly contentType = Registry.PROMETHEUS_CONTENT_TYPE;
  private readonly registry = new Registry();
  /** This application's series and the process's, once metrics are on. */
  private readonly scraped: Registry;

  private readonly requestDuration = new Histogram({
    name: 'dancely_http_request_duration_seconds',
    help: 'HTTP requests by method, route template and status, from arrival to the last byte written.',
    labelNames: ['method', 'route', 'status'] as const,
    // Up to 30 s: uploads of large videos are requests too.
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  private readonly dbCommandDuration = new Histogram({
    name: 'dancely_db_command_duration_seconds',
    help: 'MongoDB commands by command, collection and outcome, from sending to the reply read.',
    labelNames: ['command', 'collection', 'outcome'] as const,
    buckets: [0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [this.registry],
  });

  private readonly countersReconciled = new Counter({
    name: 'dancely_counters_reconciled_total',
    help: 'Stored counter values the reconcile job found wrong and rewrote, by counter.',
    labelNames: ['counter'] as const,
    registers: [this.registry],
  });

  private readonly jobs = new Counter({
    name: 'dancely_jobs_total',
    help: 'Background job runs by queue and outcome (completed, retried, failed, dropped).',
    labelNames: ['queue', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly jobsWaiting = new Gauge({
    name: 'dancely_jobs_waiting',
    help: 'Background jobs enqueued and not started yet (retries waiting for their backoff included), by queue.',
    labelNames: ['queue'] as const,
    registers: [this.registry],
  });

  constructor(@InjectConfig() config: AppConfig) {
    this.enabled = config.metrics.enabled;
    // Merged now, not at the first scrape: the event-loop delay is only measured from then on.
    this.scraped = this.enabled
      ? Registry.merge([this.registry, processMetricsRegistry()])
      : this.registry;
  }

  /**
   * Passed to the access-log middleware, which times every request already; undefined when
   * metrics are off, so that requests are not timed for nothing.
   */
  requestObserver(): RequestObserver | undefined {
    if (!this.enabled) return undefined;
    return (req, res, durationSeconds) =>
      this.requestDuration.observe(
        // Node's parser admits only the methods of http.METHODS, so `method` is bounded too.
        { method: req.method, route: routeTemplate(req), status: res.statusCode },
        durationSeconds,
      );
  }

  observeDbCommand(
    command: string,
    collection: string,
    outcome: DbCommandOutcome,
    durationSeconds: number,
  ): void {
    this.dbCommandDuration.observe({ command, collection, outcome }, durationSeconds);
  }

  /**
   * For the counters reconcile job (issue 13), once per counter and run: `corrected` stored
   * values of `counter` were found wrong and rewritten (0 after a clean pass, which starts the
   * series at zero). `counter` is the fixed name of a maintained figure, `<collection>.<field>`
   * (`videos.likesCount`, `users.channel.followers`), never an id. No series is exposed before
   * the first run of the process: no made-up zeros.
   */
  recordCountersReconciled(counter: string, corrected: number): void {
    this.countersReconciled.inc({ counter }, corrected);
  }

  /** One run of a background job ended (`queue` is a fixed name of the code, never an id). */
  recordJob(queue: string, outcome: JobOutcome): void {
    this.jobs.inc({ queue, outcome });
  }

  setJobsWaiting(queue: string, count: number): void {
    this.jobsWaiting.set({ queue }, count);
  }

  /** The exposition text: this application's series, then the process's. */
  render(): Promise<string> {
    return this.scraped.metrics();
  }
}

interface MatchedRoute {
  path?: unknown;
  methods?: Record<string, boolean | undefined>;
}

/**
 * The template of the route Express matched (`/api/v1/video/:videoId`), with the path of the
 * router it is mounted on. A request no route served is `unmatched`, so unknown paths cannot add
 * series: nothing matched (CORS preflight, the docs' static files), or only one of Nest's 404
 * catch-alls, which match every method and serve none.
 */
function routeTemplate(req: Request): string {
  const route = req.route as MatchedRoute | undefined;
  if (typeof route?.path !== 'string' || isCatchAll(routeMethods(route.methods)))
    return UNMATCHED_ROUTE;
  return `${req.baseUrl}${route.path}`;
}
