import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { type Model, type QueryFilter, Types } from 'mongoose';
import { CounterDocuments } from 'src/common/database/counter-documents';
import { keysetAfter } from 'src/common/database/keyset.util';
import type { CursorPosition } from 'src/common/pagination/cursor-codec.service';
import { nextVersion } from 'src/common/database/version.util';
import type { CounterFix, FixOutcome } from 'src/common/database/stored-counters.util';
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
const COUNTERS_PROJECTION = { likesCount: 1, commentsCount: 1 } as const;

interface FacetResult {
  docs: PostRecord[];
  total: { n: number }[];
}

@Injectable()
export class CommunityPostsRepository {
  private readonly counters: CounterDocuments<PostCountersRecord, PostCounterField>;

  constructor(@InjectModel(CommunityPost.name) private readonly posts: Model<CommunityPost>) {
    this.counters = new CounterDocuments(posts, COUNTERS_PROJECTION, POST_COUNTER_FIELDS);
  }

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
  async findPage(ownerId: string | null, skip: number, take: number): Promise<PostPageRecord> {
    const match = ownerFilter(ownerId);
    const [result] = await this.posts
      .aggregate<FacetResult>([
        { $match: match },
        { $sort: { createdAt: -1, _id: -1 } },
        {
          $facet: {
            docs: [{ $skip: skip }, { $limit: take }, { $project: RECORD_PROJECTION }],
            total: [{ $group: { _id: null, n: { $sum: 1 } } }],
          },
        },
      ])
      .exec();
    return { records: result?.docs ?? [], total: result?.total[0]?.n ?? 0 };
  }

  /**
   * The same lists by cursor: `take` posts after a keyset position, newest first, without a
   * count; the feed or owner index starts the scan at the position.
   */
  findPageAfter(
    ownerId: string | null,
    after: CursorPosition<Date>,
    take: number,
  ): Promise<PostRecord[]> {
    return this.posts
      .find({ ...ownerFilter(ownerId), ...keysetAfter('createdAt', -1, after) })
      .select(RECORD_PROJECTION)
      .sort({ createdAt: -1, _id: -1 })
      .limit(take)
      .lean<PostRecord[]>()
      .exec();
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

  /**
   * The same write with `If-Match` (docs/api.md#caching): only while the post is still at
   * `version` (its `updatedAt` when the precondition was checked), in one atomic step; the new
   * `updatedAt` is later than `version` (`nextVersion`). Null when gone, not the owner's, or at
   * another version.
   */
  updateOwnedAtVersion(
    postId: string,
    ownerId: string,
    content: string,
    version: Date,
  ): Promise<PostRecord | null> {
    return this.posts
      .findOneAndUpdate(
        {
          _id: new Types.ObjectId(postId),
          owner: new Types.ObjectId(ownerId),
          updatedAt: version,
        },
        { $set: { content, updatedAt: nextVersion(version) } },
        { returnDocument: 'after', projection: RECORD_PROJECTION, timestamps: false },
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
  incrementLikes(id: string, delta: number): Promise<void> {
    return this.counters.increment(id, 'likesCount', delta);
  }

  /** A comment added or removed. A post that is gone is a no-op. */
  incrementComments(id: string, delta: number): Promise<void> {
    return this.counters.increment(id, 'commentsCount', delta);
  }

  /** The maintained `likesCount` (0 on a document from before counters), or null when the post is gone. */
  findLikesCount(id: string): Promise<number | null> {
    return this.counters.read(id, 'likesCount');
  }

  /** Reconcile: the next `limit` posts after `afterId` in `_id` order, with their stored counters. */
  findCountersAfter(afterId: string | null, limit: number): Promise<PostCountersRecord[]> {
    return this.counters.findAfter(afterId, limit);
  }

  /** Reconcile: the stored counters of these posts (those that exist). */
  findCountersByIds(postIds: string[]): Promise<PostCountersRecord[]> {
    return this.counters.findByIds(postIds);
  }

  /** Reconcile: each fix as a compare-and-set on the value read. */
  applyCounterFixes(fixes: CounterFix<PostCounterField>[]): Promise<FixOutcome<PostCounterField>> {
    return this.counters.applyFixes(fixes);
  }
}

/** The feed (every post) or one owner's posts. */
function ownerFilter(ownerId: string | null): QueryFilter<CommunityPost> {
  return ownerId === null ? {} : { owner: new Types.ObjectId(ownerId) };
}
