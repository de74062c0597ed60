import { Injectable, Logger } from '@nestjs/common';
import { errorTrace } from 'src/common/errors/describe-error.util';
import { DomainEvents } from 'src/common/events/domain-events';
import { LikesService } from 'src/modules/likes/likes.service';
import { VideoMediaService } from 'src/modules/videos/video-media.service';
import type { VideoRecord } from 'src/modules/videos/video-records.type';
import { VideoViewsService } from 'src/modules/videos/video-views.service';
import { WatchHistoryService } from 'src/modules/watch-history/watch-history.service';

/**
 * What a deleted video leaves behind. The video document is already gone when this runs, so
 * every read and write through it misses; each step here is idempotent and runs on its own: a
 * failed step is logged with the ids and the others still run (leftovers are unreachable, since
 * every read goes through the video). The domains below videos are called directly; the ones
 * above (comments, playlists) hear the `video.deleted` event.
 */
@Injectable()
export class VideoDependentsService {
  private readonly logger = new Logger(VideoDependentsService.name);

  constructor(
    private readonly views: VideoViewsService,
    private readonly likes: LikesService,
    private readonly history: WatchHistoryService,
    private readonly media: VideoMediaService,
    private readonly events: DomainEvents,
  ) {}

  async removeAllOf(video: VideoRecord): Promise<void> {
    const id = video._id.toHexString();
    const ownerId = video.owner.toHexString();
    const step = async (name: string, action: () => Promise<unknown>): Promise<void> => {
      try {
        await action();
      } catch (error) {
        this.logger.error(
          `Clean-up step "${name}" failed after deleting video ${id} (owner ${ownerId})`,
          errorTrace(error),
        );
      }
    };
    await step('view markers', () => this.views.removeAllOf(id));
    await step('likes', () => this.likes.removeAllOn('video', [id]));
    await step('watch history', () => this.history.removeVideo(id));
    await step('video file', () => this.deleteAsset(video.videoFile.key, 'video', id));
    await step('thumbnail', () => this.deleteAsset(video.thumbnail.key, 'image', id));
    const renditions = video.hls?.key;
    if (renditions) {
      await step('renditions', async () => {
        if (!(await this.media.deleteRenditionsQuietly(renditions, `deleted video ${id}`)))
          throw new Error(`renditions ${renditions} are still stored`);
      });
    }
    await this.events.publish('video.deleted', { videoId: id, ownerId, deletedAt: new Date() });
  }

  private async deleteAsset(
    key: string,
    resourceType: 'video' | 'image',
    videoId: string,
  ): Promise<void> {
    if (!(await this.media.deleteQuietly(key, resourceType, `deleted video ${videoId}`))) {
      throw new Error(`${resourceType} ${key} is still stored`);
    }
  }
}
