import { Injectable } from '@nestjs/common';
import type { AppConfig } from 'src/config/app-config';
import { InjectConfig } from 'src/config/app-config.provider';
import { WatchHistoryRepository } from 'src/modules/watch-history/watch-history.repository';

/** One entry of a user's history: which video, and when it was last watched. */
export interface WatchedVideo {
  /** The entry's own id: with `watchedAt`, its place in the history (a keyset position). */
  entryId: string;
  videoId: string;
  watchedAt: Date;
}

/**
 * The watch-history store: at most HISTORY_MAX_ENTRIES entries per user, one per video. Videos
 * record watches (`GET /video/:videoId`) and remove a deleted video's entries; the history
 * endpoints (`/user/history`) live in the engagement feature, which turns entries into video cards.
 */
@Injectable()
export class WatchHistoryService {
  constructor(
    private readonly entries: WatchHistoryRepository,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** Moves the video to the top; only an added entry can push the history past its limit, so only then is it trimmed. */
  async recordWatch(userId: string, videoId: string, watchedAt: Date): Promise<void> {
    const added = await this.entries.upsertWatch(userId, videoId, watchedAt);
    if (added) await this.entries.trimTo(userId, this.config.historyMaxEntries);
  }

  /** The whole history (it is bounded), newest first, `_id` descending breaking ties. */
  async newestFirst(userId: string): Promise<WatchedVideo[]> {
    const entries = await this.entries.findNewest(userId, this.config.historyMaxEntries);
    return entries.map((entry) => ({
      entryId: entry._id.toHexString(),
      videoId: entry.video.toHexString(),
      watchedAt: entry.watchedAt,
    }));
  }

  clear(userId: string): Promise<void> {
    return this.entries.deleteForUser(userId);
  }

  /** Cascade of a deleted video. Idempotent. */
  removeVideo(videoId: string): Promise<void> {
    return this.entries.deleteForVideo(videoId);
  }
}
