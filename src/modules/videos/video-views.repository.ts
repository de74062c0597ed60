import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { type Model, Types } from 'mongoose';
import { isDuplicateKey } from 'src/common/errors/error-mapping.util';
import { VideoView } from 'src/modules/videos/schemas/video-view.schema';

@Injectable()
export class VideoViewsRepository {
  constructor(@InjectModel(VideoView.name) private readonly views: Model<VideoView>) {}

  /**
   * The watch page: decides whether this view counts, in one atomic conditional upsert:
   * "set lastCountedAt = now where it is older than the window".
   * - no marker yet → the upsert inserts one → counts;
   * - a marker older than the window → it is moved to now → counts;
   * - a marker inside the window → no match, so the upsert tries to insert a second marker for
   *   the same {video, viewerKey} and the unique index refuses it → does not count. The same
   *   duplicate key is what a concurrent request gets when it loses the race for the first view.
   */
  async tryCountView(
    videoId: string,
    viewerKey: string,
    now: Date,
    windowStart: Date,
  ): Promise<boolean> {
    try {
      const result = await this.views
        .updateOne(
          { video: new Types.ObjectId(videoId), viewerKey, lastCountedAt: { $lt: windowStart } },
          { $set: { lastCountedAt: now } },
          { upsert: true },
        )
        .exec();
      return result.upsertedCount === 1 || result.modifiedCount === 1;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /** Video-delete cascade (idempotent). */
  async deleteForVideo(videoId: string): Promise<void> {
    await this.views.deleteMany({ video: new Types.ObjectId(videoId) }).exec();
  }
}
