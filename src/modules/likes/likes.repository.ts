import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { type Model, Types } from 'mongoose';
import { type IdSelection, selectionCondition } from 'src/common/database/stored-counters.util';
import { isDuplicateKey } from 'src/common/errors/error-mapping.util';
import type {
  LikedTargetRecord,
  LikeCountRecord,
  LikeKey,
} from 'src/modules/likes/like-records.type';
import { Like, type LikeTargetType } from 'src/modules/likes/schemas/like.schema';

@Injectable()
export class LikesRepository {
  constructor(@InjectModel(Like.name) private readonly likes: Model<Like>) {}

  /** Toggle, first step: removes the caller's like; true when there was one. */
  async deleteOne(key: LikeKey): Promise<boolean> {
    const result = await this.likes.deleteOne(keyFilter(key)).exec();
    return result.deletedCount === 1;
  }

  /**
   * Toggle, second step; true when this call created the like. A duplicate key means a
   * concurrent toggle by the same user created it first: the like exists either way, so that is
   * not an error, only not this call's like.
   */
  async insert(key: LikeKey): Promise<boolean> {
    try {
      await this.likes.create(keyFilter(key));
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /** Which of `targetIds` the user likes: one query on the unique key (targets bounded by a page). */
  async likedAmong(
    targetType: LikeTargetType,
    targetIds: string[],
    userId: string,
  ): Promise<Set<string>> {
    const found = await this.likes
      .find({
        targetType,
        target: { $in: toObjectIds(targetIds) },
        likedBy: new Types.ObjectId(userId),
      })
      .select({ target: 1 })
      .limit(targetIds.length)
      .lean<Pick<LikedTargetRecord, '_id' | 'target'>[]>()
      .exec();
    return new Set(found.map((like) => like.target.toHexString()));
  }

  /** Whether this like exists: one lookup by the unique key. */
  async exists(key: LikeKey): Promise<boolean> {
    const found = await this.likes
      .findOne(keyFilter(key))
      .select({ _id: 1 })
      .lean<Pick<LikedTargetRecord, '_id'>>()
      .exec();
    return found !== null;
  }

  /**
   * The number of likes per selected target (a list, or the `_id` range of one of its batches),
   * in one grouped query on the unique index's prefix (for the reconcile job, which recomputes
   * the maintained counters). Targets without likes are absent.
   */
  countsFor(targetType: LikeTargetType, targets: IdSelection): Promise<LikeCountRecord[]> {
    return this.likes
      .aggregate<LikeCountRecord>([
        { $match: { targetType, target: selectionCondition(targets, oid) } },
        { $group: { _id: '$target', count: { $sum: 1 } } },
      ])
      .exec();
  }

  /**
   * The liked-videos list: the user's likes of one target type, newest first (`_id` breaking ties),
   * at most `limit` of them: only target and time are read.
   */
  findLikedTargets(
    userId: string,
    targetType: LikeTargetType,
    limit: number,
  ): Promise<LikedTargetRecord[]> {
    return this.likes
      .find({ likedBy: new Types.ObjectId(userId), targetType })
      .select({ target: 1, createdAt: 1 })
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit)
      .lean<LikedTargetRecord[]>()
      .exec();
  }

  /** Cascades: every like on these targets. Idempotent. */
  async deleteForTargets(targetType: LikeTargetType, targetIds: string[]): Promise<number> {
    if (targetIds.length === 0) return 0;
    const result = await this.likes
      .deleteMany({ targetType, target: { $in: toObjectIds(targetIds) } })
      .exec();
    return result.deletedCount;
  }
}

function keyFilter(key: LikeKey): Pick<Like, 'targetType' | 'target' | 'likedBy'> {
  return {
    targetType: key.targetType,
    target: new Types.ObjectId(key.targetId),
    likedBy: new Types.ObjectId(key.userId),
  };
}

function oid(id: string): Types.ObjectId {
  return new Types.ObjectId(id);
}

function toObjectIds(ids: string[]): Types.ObjectId[] {
  return ids.map(oid);
}
