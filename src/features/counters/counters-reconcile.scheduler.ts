import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { AppConfig } from 'src/config/app-config';
import { InjectConfig } from 'src/config/app-config.provider';
import { CountersReconcileService } from 'src/features/counters/counters-reconcile.service';

/**
 * Runs the counters reconcile job every `COUNTERS_RECONCILE_INTERVAL_MINUTES` (0: never; the
 * default outside tests is 60). A tick while a run of this process is still under way is skipped,
 * so runs never pile up. On shutdown the interval is cleared and a run in progress stops after its
 * current batch, before the database connection closes.
 *
 * A plain unref'd interval rather than `@nestjs/schedule`: with `ScheduleModule.forRoot()` in the
 * application, SIGTERM no longer drained in-flight requests (test/system/shutdown failed with
 * ECONNRESET, and passed again without the module); one interval needs none of its features.
 *
 * Every instance runs its own schedule. Concurrent runs on several instances are safe (each fix
 * is a compare-and-set), only redundant: give one instance the interval and the others 0 to save
 * the work.
 */
@Injectable()
export class CountersReconcileScheduler
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger('CountersReconcile');
  private readonly stopping = new AbortController();
  private current: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly reconcile: CountersReconcileService,
  ) {}

  /** Whether this process runs the job on an interval. */
  isScheduled(): boolean {
    return this.timer !== null;
  }

  onApplicationBootstrap(): void {
    const minutes = this.config.counters.reconcileIntervalMinutes;
    if (minutes === 0) return;
    this.timer = setInterval(() => void this.tick(), minutes * 60_000);
    // The server keeps the process alive; the schedule alone never should.
    this.timer.unref();
    this.logger.log(`Counters reconcile scheduled every ${minutes} min`);
  }

  /** One scheduled run, unless one is under way; never rejects (failures are logged). */
  tick(): Promise<void> {
    if (this.stopping.signal.aborted) return Promise.resolve();
    if (this.current !== null || this.reconcile.isRunning()) {
      this.logger.warn('Counters reconcile skipped: the previous run is still under way');
      return Promise.resolve();
    }
    const run = this.reconcile
      .reconcileAll({ signal: this.stopping.signal })
      .then(
        () => undefined,
        (error: unknown) => {
          if (this.stopping.signal.aborted) {
            this.logger.log('Counters reconcile stopped at shutdown; the next run starts over');
            return;
          }
          this.logger.error(
            'Counters reconcile failed; the next run starts over',
            error instanceof Error ? error.stack : String(error),
          );
        },
      )
      .finally(() => {
        this.current = null;
      });
    this.current = run;
    return run;
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.stopping.abort(new Error('application shutdown'));
    await this.current;
  }
}
