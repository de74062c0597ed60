import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { VideoDeletedEvent } from 'src/modules/videos/events/video-deleted.event';
import { WatchHistoryRepository } from 'src/modules/watch-history/watch-history.repository';

/** V6 cascade: a deleted video leaves every user's history (I-5). Idempotent. */
@Injectable()
export class VideoDeletedListener {
  private readonly logger = new Logger(VideoDeletedListener.name);

  constructor(private readonly entries: WatchHistoryRepository) {}

  @OnEvent(VideoDeletedEvent.eventName)
  async removeHistoryEntries(event: VideoDeletedEvent): Promise<void> {
    try {
      await this.entries.deleteForVideo(event.videoId);
    } catch (error) {
      // The listing skips entries of missing videos, so a leftover is never shown (I-5).
      this.logger.error(
        `Removing watch-history entries of deleted video ${event.videoId} (owner ${event.ownerId}) failed`,
        error instanceof Error ? error.stack : String(error),
      );
    }
  }
}
