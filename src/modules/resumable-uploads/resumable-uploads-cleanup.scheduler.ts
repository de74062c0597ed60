import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { describeError } from 'src/common/errors/describe-error.util';
import type { AppConfig } from 'src/config/app-config';
import { InjectConfig } from 'src/config/app-config.provider';
import { ResumableUploadsService } from 'src/modules/resumable-uploads/resumable-uploads.service';

/**
 * Removes expired uploads every RESUMABLE_UPLOAD_CLEANUP_INTERVAL_MINUTES (0 = never) on each
 * instance, through an unref'd interval like the counters reconcile (and for the same reason: no
 * `@nestjs/schedule`). A tick during a run is skipped. Each run is idempotent, so instances
 * sharing the upload directory may run it side by side.
 */
@Injectable()
export class ResumableUploadsCleanupScheduler
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger('ResumableUploadsCleanup');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly uploads: ResumableUploadsService,
  ) {}

  onApplicationBootstrap(): void {
    const minutes = this.config.media.resumable.cleanupIntervalMinutes;
    if (minutes === 0) return;
    this.timer = setInterval(() => void this.tick(), minutes * 60_000);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = this.uploads
      .removeExpired()
      .then((count) => {
        if (count > 0) this.logger.log(`Removed ${count} expired uploads`);
      })
      .catch((error: unknown) =>
        this.logger.warn(`Upload clean-up failed, next run retries: ${describeError(error)}`),
      )
      .finally(() => (this.running = null));
    await this.running;
  }
}
