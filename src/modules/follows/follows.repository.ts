import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { type Model, type PipelineStage, type QueryFilter, Types } from 'mongoose';
import { isDuplicateKey } from 'src/common/errors/error-mapping.util';
import type {
  FollowDirection,
  FollowFiguresRecord,
  FollowRecord,
  SortOrder,
} from 'src/modules/follows/follow-records.type';
import { Follow } from 'src/modules/follows/schemas/follow.schema';

const RECORD_PROJECTION = { follower: 1, following: 1, createdAt: 1 } as const;

@Injectable()
export class FollowsRepository {
  constructor(@InjectModel(Follow.name) private readonly follows: Model<Follow>) {}

  /** F1 unfollow half: true when this call removed the relation. */
  async deleteRelation(followerId: string, followingId: string): Promise<boolean> {
    const result = await this.follows
      .deleteOne({ follower: oid(followerId), following: oid(followingId) })
      .exec();
    return result.deletedCount === 1;
  }

  /**
   * F1 follow half. False when a concurrent request created the same relation first: the unique
   * index refused ours, and the caller follows the target either way.
   */
  async insertRelation(followerId: string, followingId: string): Promise<boolean> {
    try {
      await this.follows.create({ follower: oid(followerId), following: oid(followingId) });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /** followersCount / followingCount / totalFollowers: a recount, so it is always true (I-1). */
  countFor(direction: FollowDirection, userId: string): Promise<number> {
    return this.follows.countDocuments(directionFilter(direction, userId)).exec();
  }

  /**
   * U9's three follow figures of one user in one query: how many follow them, how many they
   * follow, and whether `viewerId` follows them. Each branch of the `$or` is an index prefix.
   */
  async figuresFor(userId: string, viewerId: string | null): Promise<FollowFiguresRecord> {
    const user = oid(userId);
    const viewer = viewerId === null ? null : oid(viewerId);
    const [row] = await this.follows
      .aggregate<FollowFiguresRecord>([
        { $match: { $or: [{ following: user }, { follower: user }] } },
        {
          $group: {
            _id: null,
            followers: { $sum: { $cond: [{ $eq: ['$following', user] }, 1, 0] } },
            following: { $sum: { $cond: [{ $eq: ['$follower', user] }, 1, 0] } },
            followed: { $max: followedBy(viewer, '$following', user) },
          },
        },
      ])
      .exec();
    return row ?? { followers: 0, following: 0, followed: 0 };
  }

  /**
   * The followers count and whether `viewerId` follows the user whose id is in `localField` of
   * the caller's document, as a `$lookup` stage writing `[{followers, followed}]` (or `[]`).
   */
  followersLookup(localField: string, viewerId: string | null, as: string): PipelineStage.Lookup {
    const viewer = viewerId === null ? null : oid(viewerId);
    return {
      $lookup: {
        from: this.follows.collection.collectionName,
        let: { user: `$${localField}` },
        pipeline: [
          { $match: { $expr: { $eq: ['$following', '$$user'] } } },
          {
            $group: {
              _id: null,
              followers: { $sum: 1 },
              followed: { $max: followedBy(viewer, '$following', '$$user') },
            },
          },
        ],
        as,
      },
    };
  }

  /** F2/F3: one page, follow time then `_id`, both in `sortOrder`. */
  findPage(
    direction: FollowDirection,
    userId: string,
    sortOrder: SortOrder,
    skip: number,
    limit: number,
  ): Promise<FollowRecord[]> {
    const sign = sortOrder === 'asc' ? 1 : -1;
    return this.follows
      .find(directionFilter(direction, userId))
      .select(RECORD_PROJECTION)
      .sort({ createdAt: sign, _id: sign })
      .skip(skip)
      .limit(limit)
      .lean<FollowRecord[]>()
      .exec();
  }

  /** FollowItem `isFollowed` for a whole page: which of `candidateIds` `followerId` follows. */
  async followedAmong(followerId: string, candidateIds: string[]): Promise<Set<string>> {
    if (candidateIds.length === 0) return new Set();
    const found = await this.follows
      .find({ follower: oid(followerId), following: { $in: candidateIds.map(oid) } })
      .select({ following: 1 })
      .limit(candidateIds.length)
      .lean<Pick<FollowRecord, '_id' | 'following'>[]>()
      .exec();
    return new Set(found.map((relation) => relation.following.toHexString()));
  }
}

/** 1 for the relation "viewer follows user" (never for an anonymous viewer), else 0. */
function followedBy(viewer: Types.ObjectId | null, followingField: string, user: unknown): unknown {
  if (viewer === null) return 0;
  return {
    $cond: [{ $and: [{ $eq: ['$follower', viewer] }, { $eq: [followingField, user] }] }, 1, 0],
  };
}

function oid(id: string): Types.ObjectId {
  return new Types.ObjectId(id);
}

function directionFilter(direction: FollowDirection, userId: string): QueryFilter<Follow> {
  return direction === 'followers' ? { following: oid(userId) } : { follower: oid(userId) };
}
