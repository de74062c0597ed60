import { Injectable } from '@nestjs/common';
import { firstJoined, type JoinedFigure } from 'src/common/database/joined-figure.type';
import type { FollowFiguresRecord } from 'src/modules/follows/follow-records.type';
import { FollowsRepository } from 'src/modules/follows/follows.repository';

/**
 * Follow figures shown outside the follower endpoints: a video's owner on the watch page,
 * profiles and the dashboard. Every figure is a recount over an index, so it equals the stored
 * relations at the moment of reading.
 */
@Injectable()
export class FollowCountsService {
  constructor(private readonly follows: FollowsRepository) {}

  followersCount(userId: string): Promise<number> {
    return this.follows.countFor('followers', userId);
  }

  /** U9: followers, following and whether the viewer follows the user, in one query. */
  async profileFigures(
    userId: string,
    viewerId: string | null,
  ): Promise<{ followersCount: number; followingCount: number; isFollowed: boolean }> {
    const figures = await this.follows.figuresFor(userId, viewerId);
    return {
      followersCount: figures.followers,
      followingCount: figures.following,
      // Nobody follows themself (F1 refuses it).
      isFollowed: figures.followed === 1 && viewerId !== userId,
    };
  }

  /** The followers of a video's owner and whether the viewer follows them, inside an aggregation over videos. */
  ownerFiguresJoin(
    viewerId: string | null,
    as: string,
  ): JoinedFigure<{ followersCount: number; isFollowed: boolean }> {
    return {
      stage: this.follows.followersLookup('owner', viewerId, as),
      read: (joined) => {
        const figures = firstJoined<Pick<FollowFiguresRecord, 'followers' | 'followed'>>(
          joined,
          as,
        );
        return { followersCount: figures?.followers ?? 0, isFollowed: figures?.followed === 1 };
      },
    };
  }
}
