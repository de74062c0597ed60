import { Injectable } from '@nestjs/common';
import { firstJoined, type JoinedFigure } from 'src/common/database/joined-figure.type';
import { FollowsRepository } from 'src/modules/follows/follows.repository';

/**
 * Whether a viewer follows a user, for pages outside the follow endpoints (profiles, the watch
 * page). Each answer is one lookup by the unique (follower, following) key; the counts are the
 * users' maintained channel counters.
 */
@Injectable()
export class FollowStateService {
  constructor(private readonly follows: FollowsRepository) {}

  /** False for anonymous viewers and for the user themself (nobody follows themself). */
  async isFollowing(viewerId: string | null, userId: string): Promise<boolean> {
    if (viewerId === null || viewerId === userId) return false;
    return this.follows.exists(viewerId, userId);
  }

  /**
   * The same answer inside another collection's aggregation, for the user whose id is in
   * `localField` (a video's owner); null when there is nothing to join (anonymous viewer).
   */
  followedJoin(
    viewerId: string | null,
    localField: string,
    as: string,
  ): JoinedFigure<boolean> | null {
    if (viewerId === null) return null;
    return {
      stage: this.follows.followedLookup(viewerId, localField, as),
      read: (joined) => firstJoined<{ _id: unknown }>(joined, as) !== undefined,
    };
  }
}
