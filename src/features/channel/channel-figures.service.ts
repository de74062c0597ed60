import { Injectable } from '@nestjs/common';
import { toDashboardStats } from 'src/features/channel/dashboard.mapper';
import type { DashboardStatsResponse } from 'src/features/channel/dto/dashboard-stats.response';
import { FollowStateService } from 'src/modules/follows/follow-state.service';
import { ChannelCountersService } from 'src/modules/users/channel-counters.service';
import type { UserProfileResponse } from 'src/modules/users/dto/user-profile.response';
import { UsersService } from 'src/modules/users/users.service';

/**
 * A channel's figures: the public profile (GET /user/:username) and the creator dashboard. Both
 * read the user's maintained channel counters (one lookup by a unique key) instead of counting
 * over the catalogue, so they cost the same for a channel with ten videos or ten thousand; the
 * profile adds whether the viewer follows the user (one lookup on the unique follow key).
 */
@Injectable()
export class ChannelFiguresService {
  constructor(
    private readonly users: UsersService,
    private readonly channels: ChannelCountersService,
    private readonly follows: FollowStateService,
  ) {}

  /** The profile with its published catalogue's totals and the follow figures. */
  profile(username: string, viewerId: string | null): Promise<UserProfileResponse> {
    return this.users.getProfile(username, viewerId, (viewer, userId) =>
      this.follows.isFollowing(viewer, userId),
    );
  }

  /** The caller's own channel, unpublished videos included. */
  async dashboard(ownerId: string): Promise<DashboardStatsResponse> {
    const figures = await this.channels.figures(ownerId);
    return toDashboardStats({
      videosCount: figures.videos,
      totalViews: figures.views,
      followersCount: figures.followers,
      totalLikes: figures.likes,
    });
  }
}
