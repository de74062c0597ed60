import { Injectable } from '@nestjs/common';
import type { ClientContext } from 'src/common/decorators/client-context.decorator';
import { FollowStateService } from 'src/modules/follows/follow-state.service';
import { LikesService } from 'src/modules/likes/likes.service';
import { UsersService } from 'src/modules/users/users.service';
import type { VideoDetailResponse } from 'src/modules/videos/dto/video.response';
import type { VideoRecord } from 'src/modules/videos/video-records.type';
import { VideoViewsService } from 'src/modules/videos/video-views.service';
import { VideosErrors } from 'src/modules/videos/videos.errors';
import { toVideoDetail } from 'src/modules/videos/videos.mapper';
import { VideosRepository } from 'src/modules/videos/videos.repository';

/** The watch page before its view is counted (`find`). */
export interface WatchPage {
  /** The stored video; its `updatedAt` is the version an `If-Match` write is conditional on. */
  record: VideoRecord;
  isOwner: boolean;
  render(views: number): VideoDetailResponse;
}

/** How the watch page was requested: HEAD has no side effects; the client identifies anonymous viewers. */
export interface ViewRequestInfo {
  isHead: boolean;
  client: ClientContext;
}

/**
 * `GET /video/:videoId`, the watch page. Every read is a lookup by a unique key, so the page costs
 * the same at any data size on every engine: the video by `_id` (visible: published, or the
 * caller's own; otherwise 404), then at once its owner (with the maintained followers count) by
 * `_id` and, for a signed-in viewer, their like by the unique like key and their follow of the
 * owner by the unique follow key.
 */
@Injectable()
export class VideoWatchPageService {
  constructor(
    private readonly videos: VideosRepository,
    private readonly views: VideoViewsService,
    private readonly users: UsersService,
    private readonly likes: LikesService,
    private readonly follows: FollowStateService,
  ) {}

  /**
   * 404 before any side effect; then the view (never the owner's, never on HEAD), then the
   * caller's history (owner included, never on HEAD).
   */
  async show(
    videoId: string,
    viewerId: string | null,
    request: ViewRequestInfo,
  ): Promise<VideoDetailResponse> {
    const page = await this.find(videoId, viewerId);
    const views = request.isHead
      ? page.record.views
      : await this.views.recordVisit({
          videoId: page.record._id.toHexString(),
          views: page.record.views,
          viewerId,
          isOwner: page.isOwner,
          client: request.client,
        });
    return page.render(views);
  }

  /** The watch page as `viewerId` would get it, without its side effects. */
  async find(videoId: string, viewerId: string | null): Promise<WatchPage> {
    const video = await this.videos.findVisible(videoId, viewerId);
    if (!video) throw VideosErrors.notFound();
    const id = video._id.toHexString();
    const ownerId = video.owner.toHexString();
    const isOwner = viewerId === ownerId;
    const [channel, isLiked, isFollowed] = await Promise.all([
      this.users.findChannelOwner(ownerId),
      this.likes.isLiked('video', id, viewerId),
      isOwner ? false : this.follows.isFollowing(viewerId, ownerId),
    ]);
    // Only verified users upload, and accounts never become pending again.
    if (!channel) throw VideosErrors.notFound();
    const figures = {
      owner: { ...channel.owner, followersCount: channel.followersCount, isFollowed },
      likesCount: video.likesCount ?? 0,
      isLiked,
      viewerId,
    };
    return {
      record: video,
      isOwner,
      render: (views) => toVideoDetail({ ...video, views }, figures),
    };
  }
}
