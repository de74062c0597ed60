import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { ChannelTotals } from 'src/modules/dashboard/dashboard.mapper';
import { FollowCountsService } from 'src/modules/follows/follow-counts.service';
import { type ProfileStats, ProfileStatsPort } from 'src/modules/users/profile-stats.port';
import { VideoLikesPort } from 'src/modules/videos/ports/video-likes.port';
import { VideosService } from 'src/modules/videos/videos.service';

/** Which of the owner's videos a total covers: U9 counts published ones, D1 all of them. */
export type CatalogueScope = 'published' | 'all';

/**
 * A channel's figures: the profile counts of U9 (as `ProfileStatsPort`) and the dashboard of D1.
 * Every figure is recomputed from the documents at the moment of reading (I-1), at a cost that
 * grows with the owner's own content only: the owner's video ids and views in one query, then
 * the likes on those ids in one grouped query, plus two indexed follow counts.
 */
@Injectable()
export class ChannelStatsService extends ProfileStatsPort implements OnModuleInit {
  private videos: VideosService | null = null;
  private likes: VideoLikesPort | null = null;

  constructor(
    private readonly follows: FollowCountsService,
    private readonly moduleRef: ModuleRef,
  ) {
    super();
  }

  /**
   * UsersService receives this class as its ProfileStatsPort while VideosService (and the likes
   * module behind VideoLikesPort) depend on UsersService: injecting them here would be a
   * construction cycle. They are looked up once every provider exists, before any request.
   */
  onModuleInit(): void {
    this.videos = this.moduleRef.get(VideosService, { strict: false });
    try {
      this.likes = this.moduleRef.get(VideoLikesPort, { strict: false });
    } catch {
      // No likes module bound: no like can exist, so 0 is the true total.
      this.likes = null;
    }
  }

  /**
   * U9: the published catalogue's totals and the three follow figures (one query for all three).
   * `isFollowed` is false for anonymous viewers and for the user themself.
   */
  async statsFor(userId: string, viewerId: string | null): Promise<ProfileStats> {
    const [catalogue, follows] = await Promise.all([
      this.catalogueTotals(userId, 'published'),
      this.follows.profileFigures(userId, viewerId),
    ]);
    return { ...follows, ...catalogue };
  }

  /** D1: every video of the owner, and their followers. */
  async channelTotals(ownerId: string): Promise<ChannelTotals> {
    const [catalogue, followersCount] = await Promise.all([
      this.catalogueTotals(ownerId, 'all'),
      this.follows.followersCount(ownerId),
    ]);
    return { ...catalogue, followersCount };
  }

  private async catalogueTotals(
    ownerId: string,
    scope: CatalogueScope,
  ): Promise<Omit<ChannelTotals, 'followersCount'>> {
    const catalogue = await this.videosService().ownerCatalogue(ownerId, scope === 'published');
    return {
      videosCount: catalogue.videoIds.length,
      totalViews: catalogue.totalViews,
      totalLikes: await this.likesOn(catalogue.videoIds),
    };
  }

  /** One grouped query over `target $in ids` (the likes unique index's prefix). */
  private async likesOn(videoIds: string[]): Promise<number> {
    if (videoIds.length === 0 || this.likes === null) return 0;
    const counts = await this.likes.countsFor(videoIds);
    let total = 0;
    for (const count of counts.values()) total += count;
    return total;
  }

  private videosService(): VideosService {
    if (this.videos === null) throw new Error('ChannelStatsService used before module init');
    return this.videos;
  }
}
