import { Injectable } from '@nestjs/common';
import type { AppConfig } from 'src/config/app-config';
import { InjectConfig } from 'src/config/app-config.provider';
import { WatchHistoryPort } from 'src/modules/videos/ports/watch-history.port';
import { WatchHistoryRepository } from 'src/modules/watch-history/watch-history.repository';

/**
 * The history writes V4 needs, bound to the videos module's `WatchHistoryPort`. Kept apart from
 * `WatchHistoryService` (which reads videos to list the history) so that videos → history →
 * videos never becomes a provider cycle.
 */
@Injectable()
export class WatchHistoryRecorder extends WatchHistoryPort {
  constructor(
    private readonly entries: WatchHistoryRepository,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    super();
  }

  /** Only an added entry can push the history past its limit, so only then is it trimmed (§13). */
  async recordWatch(userId: string, videoId: string, watchedAt: Date): Promise<void> {
    const added = await this.entries.upsertWatch(userId, videoId, watchedAt);
    if (added) await this.entries.trimTo(userId, this.config.historyMaxEntries);
  }
}
