import { Injectable } from '@nestjs/common';
import { type DomainEvent, OnDomainEvent } from 'src/common/events/domain-events';
import type { ChannelDelta } from 'src/modules/users/channel-counters.type';
import { ChannelCountersService } from 'src/modules/users/channel-counters.service';
import type { VideoCountsRecord } from 'src/modules/videos/video-records.type';
import { VideosRepository } from 'src/modules/videos/videos.repository';

/**
 * A video's maintained counters (`views`, `likesCount`, `commentsCount`) and what the video adds
 * to its owner's channel counters. Every change is one atomic update of the video that returns
 * the video as it is right after; the owner's totals then move by what that state says (a like on
 * a published video counts in the published totals, a publish moves the video's views and likes
 * into them). Because each owner update is derived from the atomic video update it follows, and
 * `$inc`s commute, the totals equal the sum over the videos whatever order concurrent requests
 * take. A crash between the two writes leaves a drift the reconcile job repairs.
 */
@Injectable()
export class VideoCountersService {
  constructor(
    private readonly videos: VideosRepository,
    private readonly channels: ChannelCountersService,
  ) {}

  @OnDomainEvent('like.added')
  async onLikeAdded(event: DomainEvent<'like.added'>): Promise<void> {
    if (event.payload.targetType === 'video') await this.moveLikes(event.payload.targetId, 1);
  }

  @OnDomainEvent('like.removed')
  async onLikeRemoved(event: DomainEvent<'like.removed'>): Promise<void> {
    if (event.payload.targetType === 'video') await this.moveLikes(event.payload.targetId, -1);
  }

  /** One counted view; the views to show (this one included), or null when the video is gone. */
  async countView(videoId: string): Promise<number | null> {
    const video = await this.videos.incrementViews(videoId);
    if (!video) return null;
    await this.channels.adjust(video.owner.toHexString(), {
      views: 1,
      publishedViews: video.isPublished ? 1 : 0,
    });
    return video.views;
  }

  /** Comments (and replies) added (> 0) or removed (< 0) on the video. */
  moveComments(videoId: string, delta: number): Promise<void> {
    return this.videos.incrementComments(videoId, delta);
  }

  /** The like endpoints' answer: the stored `likesCount`, or null when the video is gone. */
  likesCount(videoId: string): Promise<number | null> {
    return this.videos.findLikesCount(videoId);
  }

  /** A new video joins its owner's totals. */
  created(video: VideoCountsRecord): Promise<void> {
    return this.channels.adjust(video.owner.toHexString(), contribution(video, 1));
  }

  /** A deleted video (as it was when deleted) leaves them. */
  deleted(video: VideoCountsRecord): Promise<void> {
    return this.channels.adjust(video.owner.toHexString(), contribution(video, -1));
  }

  /** A video whose flag just changed (as it is right after): its figures move in or out of the published totals. */
  publishChanged(video: VideoCountsRecord): Promise<void> {
    const sign = video.isPublished ? 1 : -1;
    return this.channels.adjust(video.owner.toHexString(), {
      publishedVideos: sign,
      publishedViews: sign * video.views,
      publishedLikes: sign * (video.likesCount ?? 0),
    });
  }

  private async moveLikes(videoId: string, delta: 1 | -1): Promise<void> {
    const video = await this.videos.incrementLikes(videoId, delta);
    // A video deleted meanwhile took its likes out of the totals when it went.
    if (!video) return;
    await this.channels.adjust(video.owner.toHexString(), {
      likes: delta,
      publishedLikes: video.isPublished ? delta : 0,
    });
  }
}

/** What one video adds to (sign 1) or takes from (sign -1) its owner's channel counters. */
export function contribution(video: VideoCountsRecord, sign: 1 | -1): ChannelDelta {
  const likes = video.likesCount ?? 0;
  const published = video.isPublished ? sign : 0;
  return {
    videos: sign,
    views: sign * video.views,
    likes: sign * likes,
    publishedVideos: published,
    publishedViews: published * video.views,
    publishedLikes: published * likes,
  };
}
