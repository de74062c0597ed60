import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { AppConfig } from 'src/config/app-config';
import { InjectConfig } from 'src/config/app-config.provider';
import { CountersReconcileService } from 'src/features/counters/counters-reconcile.service';

/** The name of the interval in the `SchedulerRegistry`. */
export const RECONCILE_INTERVAL_NAME = 'counters-reconcile';

/**
 * Runs the counters reconcile job every `COUNTERS_RECONCILE_INTERVAL_MINUTES` (0: never; the
 * default outside tests is 60). A tick while a run of this process is still under way is skipped,
 * so runs never pile up. On shutdown the interval is cleared by the schedule module and a run in
 * progress stops after its current batch, before the database connection closes.
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

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly registry: SchedulerRegistry,
    private readonly reconcile: CountersReconcileService,
  ) {}

  onApplicationBootstrap(): void {
    const minutes = this.config.counters.reconcileIntervalMinutes;
    if (minutes === 0) return;
    const timer = setInterval(() => void this.tick(), minutes * 60_000);
    // The server keeps the process alive; the schedule alone never should.
    timer.unref();
    this.registry.addInterval(RECONCILE_INTERVAL_NAME, timer);
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
    this.stopping.abort(new Error('application shutdown'));
    await this.current;
  }
}
