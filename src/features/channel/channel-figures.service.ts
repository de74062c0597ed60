import { Injectable } from '@nestjs/common';
import { type ChannelTotals, toDashboardStats } from 'src/features/channel/dashboard.mapper';
import type { DashboardStatsResponse } from 'src/features/channel/dto/dashboard-stats.response';
import { FollowCountsService } from 'src/modules/follows/follow-counts.service';
import { LikesService } from 'src/modules/likes/likes.service';
import type { UserProfileResponse } from 'src/modules/users/dto/user-profile.response';
import type { ProfileStats } from 'src/modules/users/profile-stats.type';
import { UsersService } from 'src/modules/users/users.service';
import { VideoCatalogueService } from 'src/modules/videos/video-catalogue.service';

/** Which of the owner's videos a total covers: the profile counts published ones, the dashboard all of them. */
type CatalogueScope = 'published' | 'all';

/**
 * A channel's figures, which combine four domains: the public profile (GET /user/:username) and
 * the creator dashboard. Every figure is recomputed from the documents when read, at a cost that
 * grows with the owner's own catalogue only: the owner's video ids and views in one query, the
 * likes on those ids in one grouped query, and the follow figures in one query.
 */
@Injectable()
export class ChannelFiguresService {
  constructor(
    private readonly users: UsersService,
    private readonly catalogue: VideoCatalogueService,
    private readonly likes: LikesService,
    private readonly follows: FollowCountsService,
  ) {}

  /** The profile with its published catalogue's totals and the follow figures. */
  profile(username: string, viewerId: string | null): Promise<UserProfileResponse> {
    return this.users.getProfile(username, viewerId, (userId) =>
      this.profileStats(userId, viewerId),
    );
  }

  /** The caller's own channel, unpublished videos included. */
  async dashboard(ownerId: string): Promise<DashboardStatsResponse> {
    const [catalogue, followersCount] = await Promise.all([
      this.catalogueTotals(ownerId, 'all'),
      this.follows.followersCount(ownerId),
    ]);
    return toDashboardStats({ ...catalogue, followersCount });
  }

  private async profileStats(userId: string, viewerId: string | null): Promise<ProfileStats> {
    const [catalogue, follows] = await Promise.all([
      this.catalogueTotals(userId, 'published'),
      this.follows.profileFigures(userId, viewerId),
    ]);
    return { ...follows, ...catalogue };
  }

  private async catalogueTotals(
    ownerId: string,
    scope: CatalogueScope,
  ): Promise<Omit<ChannelTotals, 'followersCount'>> {
    const { videoIds, totalViews } = await this.catalogue.ownerCatalogue(
      ownerId,
      scope === 'published',
    );
    let totalLikes = 0;
    for (const count of (await this.likes.countsFor('video', videoIds)).values())
      totalLikes += count;
    return { videosCount: videoIds.length, totalViews, totalLikes };
  }
}
