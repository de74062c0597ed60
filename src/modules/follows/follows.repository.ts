import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { type Model, type QueryFilter, Types } from 'mongoose';
import { keysetAfter } from 'src/common/database/keyset.util';
import { type IdSelection, selectionCondition } from 'src/common/database/stored-counters.util';
import type { PageWindow } from 'src/common/pagination/cursor-pages.service';
import { isDuplicateKey } from 'src/common/errors/error-mapping.util';
import type {
  FollowDirection,
  FollowRecord,
  SortOrder,
  UserCountRecord,
} from 'src/modules/follows/follow-records.type';
import { Follow } from 'src/modules/follows/schemas/follow.schema';

const RECORD_PROJECTION = { follower: 1, following: 1, createdAt: 1 } as const;

@Injectable()
export class FollowsRepository {
  constructor(@InjectModel(Follow.name) private readonly follows: Model<Follow>) {}

  /** The follow toggle's unfollow half: true when this call removed the relation. */
  async deleteRelation(followerId: string, followingId: string): Promise<boolean> {
    const result = await this.follows
      .deleteOne({ follower: oid(followerId), following: oid(followingId) })
      .exec();
    return result.deletedCount === 1;
  }

  /**
   * The follow toggle's follow half. False when a concurrent request created the same relation
   * first: the unique index refused ours, and the caller follows the target either way.
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

  /** Whether `followerId` follows `followingId`: one lookup by the unique key. */
  async exists(followerId: string, followingId: string): Promise<boolean> {
    const found = await this.follows
      .findOne({ follower: oid(followerId), following: oid(followingId) })
      .select({ _id: 1 })
      .lean<Pick<FollowRecord, '_id'>>()
      .exec();
    return found !== null;
  }

  /** The follower lists: one page, follow time then `_id`, both in `sortOrder`. */
  findPage(
    direction: FollowDirection,
    userId: string,
    sortOrder: SortOrder,
    window: PageWindow,
  ): Promise<FollowRecord[]> {
    const sign = sortOrder === 'asc' ? 1 : -1;
    const filter = directionFilter(direction, userId);
    return this.follows
      .find(
        window.after === null
          ? filter
          : { ...filter, ...keysetAfter('createdAt', sign, window.after) },
      )
      .select(RECORD_PROJECTION)
      .sort({ createdAt: sign, _id: sign })
      .skip(window.skip)
      .limit(window.take)
      .lean<FollowRecord[]>()
      .exec();
  }

  /**
   * One batch of the relations to `followingId`, oldest follow first, after the position
   * `after` (keyset on `createdAt`, then `_id`). A relation created during a walk sorts after
   * every existing one, so a walk started after an event misses none made before it.
   */
  findFollowersAfter(
    followingId: string,
    after: { createdAt: Date; id: string } | null,
    limit: number,
  ): Promise<Pick<FollowRecord, '_id' | 'follower' | 'createdAt'>[]> {
    const following = oid(followingId);
    const filter: QueryFilter<Follow> =
      after === null
        ? { following }
        : {
            following,
            $or: [
              { createdAt: { $gt: after.createdAt } },
              { createdAt: after.createdAt, _id: { $gt: oid(after.id) } },
            ],
          };
    return this.follows
      .find(filter)
      .select({ follower: 1, createdAt: 1 })
      .sort({ createdAt: 1, _id: 1 })
      .limit(limit)
      .lean<Pick<FollowRecord, '_id' | 'follower' | 'createdAt'>[]>()
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

  /**
   * Reconcile: per selected user, how many follow them (`followers`) or how many they follow
   * (`following`), in one grouped query on the prefix of that direction's index (a list or a
   * range). Users without relations are absent.
   */
  countsByUser(direction: FollowDirection, users: IdSelection): Promise<UserCountRecord[]> {
    const field = direction === 'followers' ? 'following' : 'follower';
    return this.follows
      .aggregate<UserCountRecord>([
        { $match: { [field]: selectionCondition(users, oid) } },
        { $group: { _id: `$${field}`, n: { $sum: 1 } } },
      ])
      .exec();
  }
}

function oid(id: string): Types.ObjectId {
  return new Types.ObjectId(id);
}

function directionFilter(direction: FollowDirection, userId: string): QueryFilter<Follow> {
  return direction === 'followers' ? { following: oid(userId) } : { follower: oid(userId) };
}
