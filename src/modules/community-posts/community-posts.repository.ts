import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { type Model, type QueryFilter, Types } from 'mongoose';
import {
  applyFieldByField,
  type CounterFix,
  type FixOutcome,
  spannedIds,
} from 'src/common/database/stored-counters.util';
import type {
  PostCountersRecord,
  PostPageRecord,
  PostRecord,
} from 'src/modules/community-posts/post-records.type';
import {
  CommunityPost,
  POST_COUNTER_FIELDS,
  type PostCounterField,
} from 'src/modules/community-posts/schemas/community-post.schema';

const RECORD_PROJECTION = { __v: 0 } as const;
/** Counter updates are not edits of the post: `updatedAt` stays. */
const QUIET = { timestamps: false } as const;
const COUNTERS_PROJECTION = { likesCount: 1, commentsCount: 1 } as const;

interface FacetResult {
  docs: PostRecord[];
  total: { n: number }[];
}

@Injectable()
export class CommunityPostsRepository {
  constructor(@InjectModel(CommunityPost.name) private readonly posts: Model<CommunityPost>) {}

  async create(ownerId: string, content: string): Promise<PostRecord> {
    const created = await this.posts.create({
      owner: new Types.ObjectId(ownerId),
      content,
      likesCount: 0,
      commentsCount: 0,
    });
    return created.toObject<PostRecord>();
  }

  findById(postId: string): Promise<PostRecord | null> {
    return this.posts
      .findOne({ _id: new Types.ObjectId(postId) })
      .select(RECORD_PROJECTION)
      .lean<PostRecord>()
      .exec();
  }

  /**
   * The feed (all posts) and a user's posts (one owner's): a page, newest first with `_id` breaking
   * ties, and the total, in ONE round trip. The leading `$match` + `$sort` use the feed or owner
   * index; the facet then pages and counts the same sorted stream.
   */
  async findPage(ownerId: string | null, skip: number, limit: number): Promise<PostPageRecord> {
    const match: QueryFilter<CommunityPost> =
      ownerId === null ? {} : { owner: new Types.ObjectId(ownerId) };
    const [result] = await this.posts
      .aggregate<FacetResult>([
        { $match: match },
        { $sort: { createdAt: -1, _id: -1 } },
        {
          $facet: {
            docs: [{ $skip: skip }, { $limit: limit }, { $project: RECORD_PROJECTION }],
            total: [{ $group: { _id: null, n: { $sum: 1 } } }],
          },
        },
      ])
      .exec();
    return { records: result?.docs ?? [], total: result?.total[0]?.n ?? 0 };
  }

  /** Editing: the updated post, or null when it is gone (or no longer the owner's). */
  updateOwned(postId: string, ownerId: string, content: string): Promise<PostRecord | null> {
    return this.posts
      .findOneAndUpdate(
        { _id: new Types.ObjectId(postId), owner: new Types.ObjectId(ownerId) },
        { $set: { content } },
        { returnDocument: 'after', projection: RECORD_PROJECTION },
      )
      .lean<PostRecord>()
      .exec();
  }

  /** Deleting the post itself, first. False when already gone (a concurrent delete won). */
  async deleteOwned(postId: string, ownerId: string): Promise<boolean> {
    const result = await this.posts
      .deleteOne({ _id: new Types.ObjectId(postId), owner: new Types.ObjectId(ownerId) })
      .exec();
    return result.deletedCount === 1;
  }

  /** A like stored or removed: `likesCount` moves by `delta`. A post that is gone is a no-op. */
  async incrementLikes(id: string, delta: number): Promise<void> {
    await this.posts
      .updateOne({ _id: new Types.ObjectId(id) }, { $inc: { likesCount: delta } }, QUIET)
      .exec();
  }

  /** A comment added or removed. A post that is gone is a no-op. */
  async incrementComments(id: string, delta: number): Promise<void> {
    await this.posts
      .updateOne({ _id: new Types.ObjectId(id) }, { $inc: { commentsCount: delta } }, QUIET)
      .exec();
  }

  /** The maintained `likesCount` (0 on a document from before counters), or null when the post is gone. */
  async findLikesCount(id: string): Promise<number | null> {
    const found = await this.posts
      .findOne({ _id: new Types.ObjectId(id) })
      .select({ likesCount: 1 })
      .lean<{ _id: Types.ObjectId; likesCount?: number }>()
      .exec();
    return found ? (found.likesCount ?? 0) : null;
  }

  /** Reconcile: the next `limit` posts after `afterId` in `_id` order, with their stored counters (the `_id` index). */
  findCountersAfter(afterId: string | null, limit: number): Promise<PostCountersRecord[]> {
    return this.posts
      .find(afterId === null ? {} : { _id: { $gt: new Types.ObjectId(afterId) } })
      .select(COUNTERS_PROJECTION)
      .sort({ _id: 1 })
      .limit(limit)
      .lean<PostCountersRecord[]>()
      .exec();
  }

  /** Reconcile: the stored counters of these posts (those that exist). */
  findCountersByIds(postIds: string[]): Promise<PostCountersRecord[]> {
    return this.posts
      .find({ _id: { $in: postIds.map((id) => new Types.ObjectId(id)) } })
      .select(COUNTERS_PROJECTION)
      .limit(postIds.length)
      .lean<PostCountersRecord[]>()
      .exec();
  }

  /** Reconcile: each fix as a compare-and-set on the value read (see VideosRepository.applyCounterFixes). */
  applyCounterFixes(fixes: CounterFix<PostCounterField>[]): Promise<FixOutcome<PostCounterField>> {
    return applyFieldByField(POST_COUNTER_FIELDS, fixes, async (field, groups) => {
      const result = await this.posts.bulkWrite(
        groups.map((group) => ({
          updateMany: {
            filter: {
              ...spannedIds(group.ids, (id) => new Types.ObjectId(id)),
              [field]: group.seen,
            },
            update: { $set: { [field]: group.truth } },
            timestamps: false,
          },
        })),
        { ordered: false },
      );
      return result.matchedCount;
    });
  }
}
