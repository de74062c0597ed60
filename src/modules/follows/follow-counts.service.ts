import { Injectable } from '@nestjs/common';
import type { FollowDirection } from 'src/modules/follows/follow-records.type';
import { FollowsRepository } from 'src/modules/follows/follows.repository';
import { OwnerFollowStatsPort } from 'src/modules/videos/ports/owner-follow-stats.port';

/**
 * Follow figures shown outside the follower endpoints: V4's owner (as `OwnerFollowStatsPort`),
 * profiles and the dashboard. Every figure is a recount over an index, so it equals the stored
 * relations at the moment of reading (I-1). It depends on the repository only: videos and users
 * consume it, so it must not depend on their services.
 */
@Injectable()
export class FollowCountsService extends OwnerFollowStatsPort {
  constructor(private readonly follows: FollowsRepository) {
    super();
  }

  followersCount(userId: string): Promise<number> {
    return this.follows.countFor('followers', userId);
  }

  followingCount(userId: string): Promise<number> {
    return this.follows.countFor('following', userId);
  }

  isFollowing(followerId: string, followingId: string): Promise<boolean> {
    // Nobody follows themself (F1 refuses it), so no query is needed to say so.
    if (followerId.toLowerCase() === followingId.toLowerCase()) return Promise.resolve(false);
    return this.follows.exists(followerId, followingId);
  }

  count(direction: FollowDirection, userId: string): Promise<number> {
    return this.follows.countFor(direction, userId);
  }
}
