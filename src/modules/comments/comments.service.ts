import { Injectable, Logger } from '@nestjs/common';
import type { Types } from 'mongoose';
import type { CursorPaginated } from 'src/common/dto/paginated.util';
import {
  CursorCodecService,
  type CursorPosition,
} from 'src/common/pagination/cursor-codec.service';
import {
  type CursorPageRequest,
  CursorPagesService,
} from 'src/common/pagination/cursor-pages.service';
import { DomainEvents } from 'src/common/events/domain-events';
import type { AppException } from 'src/common/errors/app.exception';
import type { WritePrecondition } from 'src/common/http/if-match.decorator';
import { errorTrace } from 'src/common/errors/describe-error.util';
import type { CommentParent, CommentRecord } from 'src/modules/comments/comment-records.type';
import { CommentsErrors } from 'src/modules/comments/comments.errors';
import { toCommentResponse } from 'src/modules/comments/comments.mapper';
import { CommentsRepository } from 'src/modules/comments/comments.repository';
import type { CommentResponse, ReplyPageResponse } from 'src/modules/comments/dto/comment.response';
import type { ListRepliesQueryDto } from 'src/modules/comments/dto/list-replies-query.dto';
import type {
  CommentSortOrder,
  ListPostCommentsQueryDto,
  ListVideoCommentsQueryDto,
} from 'src/modules/comments/dto/list-comments-query.dto';
import { CommunityPostCountersService } from 'src/modules/community-posts/community-post-counters.service';
import { CommunityPostsService } from 'src/modules/community-posts/community-posts.service';
import { NO_LIKES } from 'src/modules/likes/likes.mapper';
import { LikesService } from 'src/modules/likes/likes.service';
import type { OwnerLiteResponse } from 'src/modules/users/dto/owner-lite.response';
import { UsersService } from 'src/modules/users/users.service';
import { VideoCatalogueService } from 'src/modules/videos/video-catalogue.service';
import { VideoCountersService } from 'src/modules/videos/video-counters.service';

/** Replies removed per round when their thread is deleted; bounds each query and each `$in` list. */
const REPLY_BATCH = 500;

/** A comment as other domains' features name it (notifications). */
export interface CommentSummary {
  authorId: string;
  content: string;
  parent: CommentParent;
  /** A reply's top-level comment; null on a top-level comment. */
  threadId: string | null;
}

/** A comment the caller may see, and its parent's owner (who may delete it too). */
interface VisibleComment {
  comment: CommentRecord;
  parentOwnerId: string;
}

/**
 * Comments on videos and community posts. A comment is visible when its parent is
 * (docs/api.md#visibility): every read and write goes through the parent's visibility first, so
 * comments of a hidden or deleted parent are the same 404 as missing ones and never listed.
 */
@Injectable()
export class CommentsService {
  private readonly logger = new Logger(CommentsService.name);

  constructor(
    private readonly comments: CommentsRepository,
    private readonly users: UsersService,
    private readonly videos: VideoCatalogueService,
    private readonly posts: CommunityPostsService,
    private readonly likes: LikesService,
    private readonly videoCounters: VideoCountersService,
    private readonly postCounters: CommunityPostCountersService,
    private readonly cursors: CursorCodecService,
    private readonly events: DomainEvents,
    private readonly pages: CursorPagesService,
  ) {}

  /**
   * A video's comments: video, page and total (numbered pages; a cursor page reads no total),
   * owners, the viewer's likes: 4 round trips.
   */
  async listForVideo(
    videoId: string,
    query: ListVideoCommentsQueryDto,
    viewerId: string | null,
  ): Promise<CursorPaginated<CommentResponse>> {
    if ((await this.videos.findVisibleOwnerId(videoId, viewerId)) === null)
      throw CommentsErrors.videoNotFound();
    const parent: CommentParent = { kind: 'video', id: videoId };
    const request = this.pages.open(listOf(parent, query.sortOrder), query, 'date');
    const page = await this.readPage(parent, query.sortOrder, request);
    return this.pages.close(request, page.records, page.total, positionOf, async (records) => {
      const [owners, liked] = await Promise.all([
        this.ownersOf(records),
        this.likedAmong(records, viewerId),
      ]);
      return this.toItems(records, owners, liked);
    });
  }

  /**
   * A post's comments. The post is looked up first (404 when missing); whether its owner is visible
   * is answered by the same query that resolves the page's owners, so the list stays at 4 round
   * trips: post, page (+ total on numbered pages), owners, likes.
   */
  async listForPost(
    postId: string,
    query: ListPostCommentsQueryDto,
    viewerId: string | null,
  ): Promise<CursorPaginated<CommentResponse>> {
    const postOwnerId = await this.posts.findOwnerIdOfPost(postId);
    if (postOwnerId === null) throw CommentsErrors.postNotFound();
    const parent: CommentParent = { kind: 'communityPost', id: postId };
    const request = this.pages.open(listOf(parent, query.sortOrder), query, 'date');
    const page = await this.readPage(parent, query.sortOrder, request);
    return this.pages.close(request, page.records, page.total, positionOf, async (records) => {
      const [owners, liked] = await Promise.all([
        this.ownersOf(records, postOwnerId),
        this.likedAmong(records, viewerId),
      ]);
      if (!owners.has(postOwnerId)) throw CommentsErrors.postNotFound();
      return this.toItems(records, owners, liked);
    });
  }

  /** `POST /comment/video-comments/:videoId`. */
  addToVideo(videoId: string, userId: string, content: string): Promise<CommentResponse> {
    return this.add(
      { kind: 'video', id: videoId },
      userId,
      content,
      async () => (await this.videos.findVisibleOwnerId(videoId, userId)) !== null,
      CommentsErrors.videoNotFound,
    );
  }

  /** `POST /comment/post-comments/:postId`. */
  addToPost(postId: string, userId: string, content: string): Promise<CommentResponse> {
    return this.add(
      { kind: 'communityPost', id: postId },
      userId,
      content,
      async () => (await this.posts.findVisibleOwnerId(postId)) !== null,
      CommentsErrors.postNotFound,
    );
  }

  /**
   * A reply. Threads are one level deep: a reply to a reply joins the same top-level comment and
   * names the author it answers (`replyTo`). The target must be visible (its video or post is);
   * after the write the top-level comment is checked again, as a new comment re-checks its
   * parent: a thread deleted in between has run its cascade without seeing this reply, so the
   * reply is removed here and the caller gets 404. Counted in the top-level comment's
   * `replyCount` and in the video's or post's `commentsCount`.
   */
  async addReply(commentId: string, userId: string, content: string): Promise<CommentResponse> {
    const [{ comment: target }, owner] = await Promise.all([
      this.findVisibleOr404(commentId, userId),
      this.users.findVisibleUserById(userId),
    ]);
    if (!owner) throw CommentsErrors.signedOut();
    const top = target.parent ? await this.comments.findById(target.parent.toHexString()) : target;
    if (!top) throw CommentsErrors.commentNotFound();
    const topId = top._id.toHexString();
    const replyTo = target.parent ? target.owner.toHexString() : null;
    const created = await this.comments.createReply(top, userId, content, replyTo);
    if (!(await this.isVisible(topId, userId))) {
      const id = created._id.toHexString();
      await this.comments.deleteById(id);
      await this.removeLikesOf(id);
      throw CommentsErrors.commentNotFound();
    }
    await Promise.all([this.comments.incrementReplies(topId, 1), this.moveParentCount(created, 1)]);
    await this.events.publish('comment.created', {
      commentId: created._id.toHexString(),
      authorId: userId,
      parent: parentOf(created),
      threadId: topId,
      answeredUserId: replyTo ?? top.owner.toHexString(),
    });
    return toCommentResponse(created, owner, NO_LIKES);
  }

  /**
   * A comment's replies, oldest first, by keyset (`createdAt`, `_id`) from an opaque cursor, so a
   * page costs the same however deep the reader scrolls. The total is the maintained
   * `replyCount`; a reply has no replies of its own (an empty page).
   */
  async listReplies(
    commentId: string,
    query: ListRepliesQueryDto,
    viewerId: string | null,
  ): Promise<ReplyPageResponse> {
    const { comment } = await this.findVisibleOr404(commentId, viewerId);
    const list = `replies:${commentId}`;
    const after =
      query.cursor === undefined ? null : this.cursors.decode(list, query.cursor, 'date');
    const page = await this.comments.findRepliesPage(
      commentId,
      after === null ? null : { createdAt: after.key, id: after.id },
      query.limit,
    );
    const [owners, liked] = await Promise.all([
      this.ownersOf(page.records),
      this.likes.likedAmong(
        'comment',
        page.records.map((reply) => reply._id.toHexString()),
        viewerId,
      ),
    ]);
    const last = page.records.at(-1);
    return {
      docs: this.toItems(page.records, owners, liked),
      totalDocs: comment.parent ? 0 : (comment.replyCount ?? 0),
      limit: query.limit,
      nextCursor:
        page.hasMore && last
          ? this.cursors.encode(list, { key: last.createdAt, id: last._id.toHexString() })
          : null,
    };
  }

  /**
   * Editing: 404 (missing or hidden parent), then 403 (not the author), then the write. With
   * `If-Match`: the comment (or reply) as the lists show it to its author, built from the record
   * just read, must carry a listed tag, and the write only happens while the comment is still at
   * that read's version (docs/api.md#caching).
   */
  async update(
    commentId: string,
    userId: string,
    content: string,
    precondition: WritePrecondition<CommentResponse> | null = null,
  ): Promise<CommentResponse> {
    const { comment } = await this.findVisibleOr404(commentId, userId);
    if (comment.owner.toHexString() !== userId) throw CommentsErrors.notAuthorEdit();
    const checked = precondition !== null && !precondition.isWildcard;
    if (checked) precondition.assertHolds(await this.asSeenByAuthor(comment, userId));
    const updated = checked
      ? await this.comments.updateOwnedAtVersion(commentId, userId, content, comment.updatedAt)
      : await this.comments.updateOwned(commentId, userId, content);
    if (!updated) {
      // Another write moved the version (412), or the comment was deleted meanwhile (by the
      // parent's owner, or by a parent's cascade).
      if (checked && (await this.comments.findById(commentId)) !== null)
        throw precondition.changedMeanwhile();
      throw CommentsErrors.commentNotFound();
    }
    return this.asSeenByAuthor(updated, userId);
  }

  /** One comment as the lists show it to its author: the edit's answer and `If-Match` representation. */
  private async asSeenByAuthor(comment: CommentRecord, userId: string): Promise<CommentResponse> {
    const id = comment._id.toHexString();
    const [owner, liked] = await Promise.all([
      this.users.findVisibleUserById(userId),
      this.likes.likedAmong('comment', [id], userId),
    ]);
    if (!owner) throw CommentsErrors.signedOut();
    return toCommentResponse(comment, owner, {
      likesCount: comment.likesCount ?? 0,
      isLiked: liked.has(id),
    });
  }

  /**
   * Deleting: the author or the owner of the parent video or post may delete. The comment goes
   * first, so a like racing this delete fails its re-check; then its likes. A failed clean-up is
   * logged and leaves the response alone: reads go through the comment anyway.
   */
  async remove(commentId: string, userId: string): Promise<null> {
    const { comment, parentOwnerId } = await this.findVisibleOr404(commentId, userId);
    if (comment.owner.toHexString() !== userId && parentOwnerId !== userId) {
      throw CommentsErrors.notAuthorDelete();
    }
    // A concurrent delete won; it also removes the likes and replies and moves the counts.
    if (!(await this.comments.deleteById(commentId))) throw CommentsErrors.commentNotFound();
    if (comment.parent) {
      await this.comments.incrementReplies(comment.parent.toHexString(), -1);
      await this.moveParentCount(comment, -1);
    } else {
      const replies = await this.removeRepliesOf(commentId);
      await this.moveParentCount(comment, -(1 + replies));
    }
    await this.removeLikesOf(commentId);
    await this.events.publish('comment.deleted', {
      commentId,
      authorId: comment.owner.toHexString(),
      parent: parentOf(comment),
      threadId: comment.parent ? comment.parent.toHexString() : null,
    });
    return null;
  }

  /**
   * A visible comment as notifications name it: author, text, parent and thread; null when the
   * comment or its parent is gone or hidden from `viewerId`.
   */
  async findSummary(commentId: string, viewerId: string | null): Promise<CommentSummary | null> {
    const comment = await this.comments.findById(commentId);
    if (!comment || (await this.parentOwnerId(comment, viewerId)) === null) return null;
    return {
      authorId: comment.owner.toHexString(),
      content: comment.content,
      parent: parentOf(comment),
      threadId: comment.parent ? comment.parent.toHexString() : null,
    };
  }

  /** For the comment like: the comment exists and its parent is visible to the viewer. */
  async isVisible(commentId: string, viewerId: string | null): Promise<boolean> {
    const comment = await this.comments.findById(commentId);
    return comment !== null && (await this.parentOwnerId(comment, viewerId)) !== null;
  }

  /**
   * Adding: parent check, create, then the parent again. A parent deleted between the two checks
   * has already run its cascade, which could not see this comment: it is removed here and the
   * caller gets the parent's 404, so nothing is left behind.
   */
  private async add(
    parent: CommentParent,
    userId: string,
    content: string,
    parentVisible: () => Promise<boolean>,
    parentNotFound: () => AppException,
  ): Promise<CommentResponse> {
    const [visible, owner] = await Promise.all([
      parentVisible(),
      this.users.findVisibleUserById(userId),
    ]);
    if (!visible) throw parentNotFound();
    if (!owner) throw CommentsErrors.signedOut();
    const created = await this.comments.create(parent, userId, content);
    if (!(await parentVisible())) {
      const id = created._id.toHexString();
      await this.comments.deleteById(id);
      // A like given in that instant fails its own re-check (the parent is gone); removing
      // likes here as well keeps this clean-up independent of that timing.
      await this.removeLikesOf(id);
      throw parentNotFound();
    }
    await this.moveParentCount(created, 1);
    await this.events.publish('comment.created', {
      commentId: created._id.toHexString(),
      authorId: userId,
      parent,
      threadId: null,
      answeredUserId: null,
    });
    return toCommentResponse(created, owner, NO_LIKES);
  }

  /**
   * The replies of a deleted top-level comment and their likes, in bounded batches; how many
   * replies this call removed. A failure is logged with the id and stops the clean-up (the
   * replies are unreachable without their thread; the reconcile job fixes the counts).
   */
  private async removeRepliesOf(commentId: string): Promise<number> {
    let removed = 0;
    try {
      for (;;) {
        const ids = await this.comments.findReplyIds(commentId, REPLY_BATCH);
        if (ids.length === 0) break;
        await this.likes.removeAllOn('comment', ids);
        const deleted = await this.comments.deleteByIds(ids);
        removed += deleted;
        if (deleted === 0 || ids.length < REPLY_BATCH) break;
      }
    } catch (error) {
      this.logger.error(
        `Removing the replies of deleted comment ${commentId} failed`,
        error instanceof Error ? error.stack : String(error),
      );
    }
    return removed;
  }

  /** The parent's maintained `commentsCount`; a parent that is gone is a no-op. */
  private moveParentCount(comment: CommentRecord, delta: number): Promise<void> {
    if (comment.video) return this.videoCounters.moveComments(comment.video.toHexString(), delta);
    if (comment.communityPost)
      return this.postCounters.moveComments(comment.communityPost.toHexString(), delta);
    return Promise.resolve();
  }

  /** The likes of a deleted comment; a failure is logged with the id (the likes are unreachable anyway). */
  private async removeLikesOf(commentId: string): Promise<void> {
    try {
      await this.likes.removeAllOn('comment', [commentId]);
    } catch (error) {
      this.logger.error(
        `Removing the likes of deleted comment ${commentId} failed`,
        errorTrace(error),
      );
    }
  }

  private async findVisibleOr404(
    commentId: string,
    viewerId: string | null,
  ): Promise<VisibleComment> {
    const comment = await this.comments.findById(commentId);
    if (!comment) throw CommentsErrors.commentNotFound();
    const parentOwnerId = await this.parentOwnerId(comment, viewerId);
    if (parentOwnerId === null) throw CommentsErrors.commentNotFound();
    return { comment, parentOwnerId };
  }

  /** The owner of the comment's parent if the viewer may see the parent, else null. */
  private parentOwnerId(comment: CommentRecord, viewerId: string | null): Promise<string | null> {
    if (comment.video) return this.videos.findVisibleOwnerId(comment.video.toHexString(), viewerId);
    if (comment.communityPost)
      return this.posts.findVisibleOwnerId(comment.communityPost.toHexString());
    return Promise.resolve(null);
  }

  /** One query for the page's authors (plus `alsoId`, e.g. the post's owner). */
  private ownersOf(
    records: CommentRecord[],
    alsoId?: string,
  ): Promise<Map<string, OwnerLiteResponse>> {
    const ids = records.map((comment) => comment.owner.toHexString());
    if (alsoId !== undefined) ids.push(alsoId);
    return ids.length === 0
      ? Promise.resolve(new Map<string, OwnerLiteResponse>())
      : this.users.findOwnerLites(ids);
  }

  /** Which comments of the page the viewer likes, in one query (none for an anonymous viewer). */
  private likedAmong(records: CommentRecord[], viewerId: string | null): Promise<Set<string>> {
    return this.likes.likedAmong(
      'comment',
      records.map((comment) => comment._id.toHexString()),
      viewerId,
    );
  }

  /** A numbered page with its total in one round trip, or a cursor page by keyset (no total). */
  private async readPage(
    parent: CommentParent,
    sortOrder: CommentSortOrder,
    request: CursorPageRequest<Date>,
  ): Promise<{ records: CommentRecord[]; total: number | null }> {
    const { after, skip, take } = request.window;
    if (after === null) return this.comments.findPage(parent, sortOrder, skip, take);
    return {
      records: await this.comments.findPageAfter(parent, sortOrder, after, take),
      total: null,
    };
  }

  private toItems(
    records: CommentRecord[],
    owners: Map<string, OwnerLiteResponse>,
    liked: Set<string>,
  ): CommentResponse[] {
    return records.flatMap((comment) => {
      const id = comment._id.toHexString();
      const owner = owners.get(comment.owner.toHexString());
      if (!owner) {
        // Only verified users comment and accounts never become pending again; a comment
        // without a visible author stays out of the page rather than showing a half shape.
        this.logger.warn(`Comment ${id} has no visible author; left out of the list`);
        return [];
      }
      return [
        toCommentResponse(comment, owner, {
          likesCount: comment.likesCount ?? 0,
          isLiked: liked.has(id),
        }),
      ];
    });
  }
}

/** The video or post a comment hangs off (exactly one of the two is set on every comment). */
function parentOf(comment: CommentRecord): CommentParent {
  return comment.video
    ? { kind: 'video', id: comment.video.toHexString() }
    : { kind: 'communityPost', id: (comment.communityPost as Types.ObjectId).toHexString() };
}

/** A parent's comment list in one order: what its cursors are bound to. */
function listOf(parent: CommentParent, sortOrder: CommentSortOrder): string {
  return `comments:${parent.kind}:${parent.id}:${sortOrder}`;
}

/** A comment's place in its list: `createdAt`, then `_id`. */
function positionOf(comment: CommentRecord): CursorPosition<Date> {
  return { key: comment.createdAt, id: comment._id.toHexString() };
}
