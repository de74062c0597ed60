import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { type Model, type QueryFilter, Types } from 'mongoose';
import { CounterDocuments } from 'src/common/database/counter-documents';
import { keysetAfter } from 'src/common/database/keyset.util';
import { nextVersion } from 'src/common/database/version.util';
import type { CursorPosition } from 'src/common/pagination/cursor-codec.service';
import {
  type CounterFix,
  type FixOutcome,
  type IdSelection,
  selectionCondition,
} from 'src/common/database/stored-counters.util';
import type {
  CommentCountersRecord,
  CommentPageRecord,
  CommentParent,
  CommentRecord,
  ReplyPageRecord,
  ParentCountRecord,
} from 'src/modules/comments/comment-records.type';
import {
  Comment,
  COMMENT_COUNTER_FIELDS,
  type CommentCounterField,
} from 'src/modules/comments/schemas/comment.schema';

const RECORD_PROJECTION = { __v: 0 } as const;
const COUNTERS_PROJECTION = { likesCount: 1, replyCount: 1 } as const;

interface FacetResult {
  docs: CommentRecord[];
  total: { n: number }[];
}

@Injectable()
export class CommentsRepository {
  private readonly counters: CounterDocuments<CommentCountersRecord, CommentCounterField>;

  constructor(@InjectModel(Comment.name) private readonly comments: Model<Comment>) {
    this.counters = new CounterDocuments(comments, COUNTERS_PROJECTION, COMMENT_COUNTER_FIELDS);
  }

  async create(parent: CommentParent, ownerId: string, content: string): Promise<CommentRecord> {
    const created = await this.comments.create({
      ...parentKey(parent),
      owner: new Types.ObjectId(ownerId),
      content,
      likesCount: 0,
    });
    return created.toObject<CommentRecord>();
  }

  findById(commentId: string): Promise<CommentRecord | null> {
    return this.comments
      .findOne({ _id: new Types.ObjectId(commentId) })
      .select(RECORD_PROJECTION)
      .lean<CommentRecord>()
      .exec();
  }

  /**
   * The comment lists: a numbered page of one parent's top-level comments in `createdAt` order
   * with `_id` breaking ties the same way (`take` from `skip`), and the total, in ONE round trip.
   * The leading `$match` + `$sort` use the parent index (forward or reverse scan); the facet
   * pages and counts that same sorted stream.
   */
  async findPage(
    parent: CommentParent,
    sortOrder: 'asc' | 'desc',
    skip: number,
    take: number,
  ): Promise<CommentPageRecord> {
    const direction = sortOrder === 'asc' ? 1 : -1;
    const [result] = await this.comments
      .aggregate<FacetResult>([
        { $match: { ...parentFilter(parent), parent: null } },
        { $sort: { createdAt: direction, _id: direction } },
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
   * The comment lists by cursor: `take` top-level comments of one parent after a keyset position
   * in the same order, without a count; the parent index starts the scan at the position.
   */
  findPageAfter(
    parent: CommentParent,
    sortOrder: 'asc' | 'desc',
    after: CursorPosition<Date>,
    take: number,
  ): Promise<CommentRecord[]> {
    const direction = sortOrder === 'asc' ? 1 : -1;
    return this.comments
      .find({
        ...parentFilter(parent),
        parent: null,
        ...keysetAfter('createdAt', direction, after),
      })
      .select(RECORD_PROJECTION)
      .sort({ createdAt: direction, _id: direction })
      .limit(take)
      .lean<CommentRecord[]>()
      .exec();
  }

  /**
   * A reply under `top` (a top-level comment), on the same video or post. `replyTo` is the
   * author of the reply it answers, when it answers a reply.
   */
  async createReply(
    top: CommentRecord,
    ownerId: string,
    content: string,
    replyToUserId: string | null,
  ): Promise<CommentRecord> {
    const created = await this.comments.create({
      ...(top.video ? { video: top.video } : { communityPost: top.communityPost }),
      parent: top._id,
      ...(replyToUserId === null ? {} : { replyTo: new Types.ObjectId(replyToUserId) }),
      owner: new Types.ObjectId(ownerId),
      content,
      likesCount: 0,
    });
    return created.toObject<CommentRecord>();
  }

  /**
   * A page of a comment's replies, oldest first (`_id` breaking ties), after a keyset position,
   * read one past the limit. The `{parent, createdAt, _id}` index serves it at any depth.
   */
  async findRepliesPage(
    parentId: string,
    after: { createdAt: Date; id: string } | null,
    limit: number,
  ): Promise<ReplyPageRecord> {
    const parent = new Types.ObjectId(parentId);
    const filter: QueryFilter<Comment> =
      after === null
        ? { parent }
        : {
            parent,
            $or: [
              { createdAt: { $gt: after.createdAt } },
              { createdAt: after.createdAt, _id: { $gt: new Types.ObjectId(after.id) } },
            ],
          };
    const found = await this.comments
      .find(filter)
      .select(RECORD_PROJECTION)
      .sort({ createdAt: 1, _id: 1 })
      .limit(limit + 1)
      .lean<CommentRecord[]>()
      .exec();
    return { records: found.slice(0, limit), hasMore: found.length > limit };
  }

  /** A reply added or removed under a top-level comment. A comment that is gone is a no-op. */
  incrementReplies(parentId: string, delta: number): Promise<void> {
    return this.counters.increment(parentId, 'replyCount', delta);
  }

  /** Reply cascade of a deleted comment: the next batch of its replies' ids. */
  async findReplyIds(parentId: string, limit: number): Promise<string[]> {
    const found = await this.comments
      .find({ parent: new Types.ObjectId(parentId) })
      .select({ _id: 1 })
      .limit(limit)
      .lean<Pick<CommentRecord, '_id'>[]>()
      .exec();
    return found.map((comment) => comment._id.toHexString());
  }

  /** Editing: the updated comment, or null when it is gone (or not the author's). */
  updateOwned(commentId: string, ownerId: string, content: string): Promise<CommentRecord | null> {
    return this.comments
      .findOneAndUpdate(
        { _id: new Types.ObjectId(commentId), owner: new Types.ObjectId(ownerId) },
        { $set: { content } },
        { returnDocument: 'after', projection: RECORD_PROJECTION },
      )
      .lean<CommentRecord>()
      .exec();
  }

  /**
   * The same write with `If-Match` (docs/api.md#caching): only while the comment is still at
   * `version` (its `updatedAt` when the precondition was checked), in one atomic step; the new
   * `updatedAt` is later than `version` (`nextVersion`). Null when gone, not the author's, or at
   * another version.
   */
  updateOwnedAtVersion(
    commentId: string,
    ownerId: string,
    content: string,
    version: Date,
  ): Promise<CommentRecord | null> {
    return this.comments
      .findOneAndUpdate(
        {
          _id: new Types.ObjectId(commentId),
          owner: new Types.ObjectId(ownerId),
          updatedAt: version,
        },
        { $set: { content, updatedAt: nextVersion(version) } },
        { returnDocument: 'after', projection: RECORD_PROJECTION, timestamps: false },
      )
      .lean<CommentRecord>()
      .exec();
  }

  /** Deleting, or an add undoing itself when the parent vanished. False when already gone. */
  async deleteById(commentId: string): Promise<boolean> {
    const result = await this.comments.deleteOne({ _id: new Types.ObjectId(commentId) }).exec();
    return result.deletedCount === 1;
  }

  /** Parent cascades: the next batch of a parent's comment ids (the parent index serves it). */
  async findIdsOfParent(parent: CommentParent, limit: number): Promise<string[]> {
    const found = await this.comments
      .find(parentFilter(parent))
      .select({ _id: 1 })
      .limit(limit)
      .lean<Pick<CommentRecord, '_id'>[]>()
      .exec();
    return found.map((comment) => comment._id.toHexString());
  }

  /** Parent cascades: one batch. Idempotent. */
  async deleteByIds(commentIds: string[]): Promise<number> {
    const result = await this.comments
      .deleteMany({ _id: { $in: commentIds.map((id) => new Types.ObjectId(id)) } })
      .exec();
    return result.deletedCount;
  }

  /** A like stored or removed: `likesCount` moves by `delta`. A comment that is gone is a no-op. */
  incrementLikes(id: string, delta: number): Promise<void> {
    return this.counters.increment(id, 'likesCount', delta);
  }

  /** The maintained `likesCount` (0 on a document from before counters), or null when the comment is gone. */
  findLikesCount(id: string): Promise<number | null> {
    return this.counters.read(id, 'likesCount');
  }

  /** Reconcile: the next `limit` comments after `afterId` in `_id` order, with their stored counters. */
  findCountersAfter(afterId: string | null, limit: number): Promise<CommentCountersRecord[]> {
    return this.counters.findAfter(afterId, limit);
  }

  /** Reconcile: the stored counters of these comments (those that exist). */
  findCountersByIds(commentIds: string[]): Promise<CommentCountersRecord[]> {
    return this.counters.findByIds(commentIds);
  }

  /** Reconcile: each fix as a compare-and-set on the value read. */
  applyCounterFixes(
    fixes: CounterFix<CommentCounterField>[],
  ): Promise<FixOutcome<CommentCounterField>> {
    return this.counters.applyFixes(fixes);
  }

  /**
   * Reconcile: the replies of each selected top-level comment, in one grouped query on the
   * replies index's prefix (a list or a range). Comments without replies are absent.
   */
  countReplies(comments: IdSelection): Promise<ParentCountRecord[]> {
    return this.comments
      .aggregate<ParentCountRecord>([
        { $match: { parent: selectionCondition(comments, (id) => new Types.ObjectId(id)) } },
        { $group: { _id: '$parent', n: { $sum: 1 } } },
      ])
      .exec();
  }

  /**
   * Reconcile: the number of comments under each selected video or post (every comment document
   * with that parent, replies included), in one grouped query on the parent index's prefix (a
   * list or a range). Parents without comments are absent.
   */
  countByParents(kind: CommentParent['kind'], parents: IdSelection): Promise<ParentCountRecord[]> {
    const field = kind === 'video' ? 'video' : 'communityPost';
    return this.comments
      .aggregate<ParentCountRecord>([
        { $match: { [field]: selectionCondition(parents, (id) => new Types.ObjectId(id)) } },
        { $group: { _id: `$${field}`, n: { $sum: 1 } } },
      ])
      .exec();
  }
}

/** The one parent field a comment carries; the other stays absent. */
function parentKey(parent: CommentParent): Pick<Comment, 'video'> | Pick<Comment, 'communityPost'> {
  return parent.kind === 'video'
    ? { video: new Types.ObjectId(parent.id) }
    : { communityPost: new Types.ObjectId(parent.id) };
}

function parentFilter(parent: CommentParent): QueryFilter<Comment> {
  return parentKey(parent);
}
