import { Injectable } from '@nestjs/common';
import { FollowsRepository } from 'src/modules/follows/follows.repository';

/**
 * Whether a viewer follows a user, for pages outside the follow endpoints (profiles, the watch
 * page): one lookup by the unique (follower, following) key. The counts are the users'
 * maintained channel counters.
 */
@Injectable()
export class FollowStateService {
  constructor(private readonly follows: FollowsRepository) {}

  /** False for anonymous viewers and for the user themself (nobody follows themself). */
  async isFollowing(viewerId: string | null, userId: string): Promise<boolean> {
    if (viewerId === null || viewerId === userId) return false;
    return this.follows.exists(viewerId, userId);
  }
}
