import { Injectable } from '@nestjs/common';
import { FollowsRepository } from 'src/modules/follows/follows.repository';

/**
 * Where a walk over a user's followers continues: the last relation's time (ISO 8601) and id.
 * Plain JSON, so a job can carry it to the next batch through any queue backend.
 */
export interface FollowersPosition {
  createdAt: string;
  id: string;
}

/** One batch of followers, and where the next one starts (null after the last). */
export interface FollowersBatch {
  followerIds: string[];
  next: FollowersPosition | null;
}

/**
 * Follow state for pages and features outside the follow endpoints: whether a viewer follows
 * someone (profiles, the watch page; one lookup by the unique (follower, following) key), which
 * of several people they follow, and a user's followers in batches (the following feed). The
 * counts are the users' maintained channel counters.
 */
@Injectable()
export class FollowStateService {
  constructor(private readonly follows: FollowsRepository) {}

  /** False for anonymous viewers and for the user themself (nobody follows themself). */
  async isFollowing(viewerId: string | null, userId: string): Promise<boolean> {
    if (viewerId === null || viewerId === userId) return false;
    return this.follows.exists(viewerId, userId);
  }

  /** Which of `userIds` `followerId` follows: one query on the unique key, whatever their number. */
  followedAmong(followerId: string, userIds: string[]): Promise<Set<string>> {
    return this.follows.followedAmong(followerId, [...new Set(userIds)]);
  }

  /**
   * Up to `limit` followers of `userId`, oldest follow first, continuing after `after` (null:
   * from the start). Each batch is one index-backed keyset query, however many there are.
   */
  async followersBatch(
    userId: string,
    after: FollowersPosition | null,
    limit: number,
  ): Promise<FollowersBatch> {
    const relations = await this.follows.findFollowersAfter(
      userId,
      after && { createdAt: new Date(after.createdAt), id: after.id },
      limit,
    );
    const last = relations.at(-1);
    return {
      followerIds: relations.map((relation) => relation.follower.toHexString()),
      next:
        relations.length === limit && last
          ? { createdAt: last.createdAt.toISOString(), id: last._id.toHexString() }
          : null,
    };
  }
}
