import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { type Model, type PipelineStage, Types } from 'mongoose';
import { isDuplicateKey } from 'src/common/errors/error-mapping.util';
import type {
  LikedTargetRecord,
  LikeFiguresRecord,
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
   * Toggle, second step. A duplicate key means a concurrent toggle by the same user created the
   * like first: the like exists either way, so that is not an error (contract §5).
   */
  async insert(key: LikeKey): Promise<void> {
    try {
      await this.likes.create(keyFilter(key));
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  /**
   * `likesCount` and the viewer's like for each target, in one grouped query (prefix of the
   * unique index). Targets without likes are absent.
   */
  figuresFor(
    targetType: LikeTargetType,
    targetIds: string[],
    viewerId: string | null,
  ): Promise<LikeFiguresRecord[]> {
    const pipeline: PipelineStage[] = [
      { $match: { targetType, target: { $in: toObjectIds(targetIds) } } },
      figuresGroup('$target', viewerId),
    ];
    return this.likes.aggregate<LikeFiguresRecord>(pipeline).exec();
  }

  /**
   * The same figures for one target, as a `$lookup` stage for another collection's aggregation,
   * writing `[{count, liked}]` (or `[]`) into `as`. The target id is known up front, so the
   * sub-pipeline is uncorrelated: a plain match on the unique index's prefix, run once.
   */
  figuresLookup(
    targetType: LikeTargetType,
    targetId: string,
    viewerId: string | null,
    as: string,
  ): PipelineStage.Lookup {
    return {
      $lookup: {
        from: this.likes.collection.collectionName,
        pipeline: [
          { $match: { targetType, target: new Types.ObjectId(targetId) } },
          figuresGroup(null, viewerId),
        ],
        as,
      },
    };
  }

  /**
   * L4: the user's likes of one target type, newest first (`_id` breaking ties), at most
   * `limit` of them: only target and time are read.
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

function toObjectIds(ids: string[]): Types.ObjectId[] {
  return ids.map((id) => new Types.ObjectId(id));
}

/** `count` of likes per group and `liked` (1 or 0): whether `viewerId` is among them. */
function figuresGroup(groupBy: '$target' | null, viewerId: string | null): PipelineStage.Group {
  const viewer = viewerId === null ? null : new Types.ObjectId(viewerId);
  return {
    $group: {
      _id: groupBy,
      count: { $sum: 1 },
      liked: { $max: viewer ? { $cond: [{ $eq: ['$likedBy', viewer] }, 1, 0] } : 0 },
    },
  };
}
