import { Injectable } from '@nestjs/common';
import type { ClientContext } from 'src/common/decorators/client-context.decorator';
import type { AppConfig } from 'src/config/app-config';
import { InjectConfig } from 'src/config/app-config.provider';
import { VideoCountersService } from 'src/modules/videos/video-counters.service';
import { VideoViewsRepository } from 'src/modules/videos/video-views.repository';
import { anonymousViewerKey, userViewerKey } from 'src/modules/videos/viewer-key.util';
import { VideosErrors } from 'src/modules/videos/videos.errors';
import { WatchHistoryService } from 'src/modules/watch-history/watch-history.service';

/** One GET of the watch page, as far as views and history are concerned. */
export interface WatchPageVisit {
  videoId: string;
  /** The views shown before this visit. */
  views: number;
  viewerId: string | null;
  isOwner: boolean;
  client: ClientContext;
}

/** Which views count (one per viewer and video within VIEW_DEDUP_WINDOW_HOURS), and the watch history a view feeds. */
@Injectable()
export class VideoViewsService {
  constructor(
    private readonly views: VideoViewsRepository,
    private readonly counters: VideoCountersService,
    private readonly history: WatchHistoryService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /**
   * The side effects of a watch-page visit: the view (never the owner's), then the viewer's
   * history (owner included). Resolves to the view count to show, which includes this view.
   */
  async recordVisit(visit: WatchPageVisit): Promise<number> {
    const now = new Date();
    let views = visit.views;
    if (!visit.isOwner && (await this.shouldCount(visit, now))) {
      // Null means the video was deleted meanwhile.
      views = (await this.counters.countView(visit.videoId)) ?? throwNotFound();
    }
    if (visit.viewerId !== null) await this.history.recordWatch(visit.viewerId, visit.videoId, now);
    return views;
  }

  /** The dedup decision, keyed by the user or by a salted hash of IP and User-Agent. */
  private shouldCount({ videoId, viewerId, client }: WatchPageVisit, now: Date): Promise<boolean> {
    const viewerKey =
      viewerId !== null
        ? userViewerKey(viewerId)
        : anonymousViewerKey(this.config.views.hashSalt, client.ip, client.userAgent);
    const windowStart = new Date(now.getTime() - this.config.views.dedupWindowHours * 3_600_000);
    return this.views.tryCountView(videoId, viewerKey, now, windowStart);
  }

  /** Cascade of a deleted video. Idempotent. */
  removeAllOf(videoId: string): Promise<void> {
    return this.views.deleteForVideo(videoId);
  }
}

function throwNotFound(): never {
  throw VideosErrors.notFound();
}
