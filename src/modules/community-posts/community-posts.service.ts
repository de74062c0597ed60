import { Injectable, Logger } from '@nestjs/common';
import type { CursorPaginated } from 'src/common/dto/paginated.util';
import type { CursorPaginationQueryDto } from 'src/common/dto/pagination-query.dto';
import type { CursorPosition } from 'src/common/pagination/cursor-codec.service';
import {
  type CursorPageRequest,
  CursorPagesService,
} from 'src/common/pagination/cursor-pages.service';
import { errorTrace } from 'src/common/errors/describe-error.util';
import { DomainEvents } from 'src/common/events/domain-events';
import type { WritePrecondition } from 'src/common/http/if-match.decorator';
import { CommunityPostsErrors } from 'src/modules/community-posts/community-posts.errors';
import { toPostResponse } from 'src/modules/community-posts/community-posts.mapper';
import { CommunityPostsRepository } from 'src/modules/community-posts/community-posts.repository';
import type { PostResponse } from 'src/modules/community-posts/dto/post.response';
import type { PostRecord } from 'src/modules/community-posts/post-records.type';
import { type LikeFigures, NO_LIKES } from 'src/modules/likes/likes.mapper';
import { LikesService } from 'src/modules/likes/likes.service';
import type { OwnerLiteResponse } from 'src/modules/users/dto/owner-lite.response';
import { UsersService } from 'src/modules/users/users.service';

/**
 * Community posts. A post is visible when its owner is (docs/api.md#visibility): every single-post
 * read checks the owner, and lists resolve owners in one query per page and leave out posts whose
 * owner is not visible.
 */
@Injectable()
export class CommunityPostsService {
  private readonly logger = new Logger(CommunityPostsService.name);

  constructor(
    private readonly posts: CommunityPostsRepository,
    private readonly users: UsersService,
    private readonly likes: LikesService,
    private readonly events: DomainEvents,
    private readonly pages: CursorPagesService,
  ) {}

  /** `POST /communitypost`. */
  async create(ownerId: string, content: string): Promise<PostResponse> {
    const owner = await this.users.findVisibleUserById(ownerId);
    // The guard saw a verified account a moment ago; it has vanished since.
    if (!owner) throw CommunityPostsErrors.signedOut();
    const created = await this.posts.create(ownerId, content);
    return toPostResponse(created, owner, NO_LIKES);
  }

  /**
   * The feed, newest first: page (and total on numbered pages), owners, the viewer's likes, in 3
   * round trips.
   */
  async feed(
    query: CursorPaginationQueryDto,
    viewerId: string | null,
  ): Promise<CursorPaginated<PostResponse>> {
    const request = this.pages.open('posts:feed', query, 'date');
    const page = await this.readPage(null, request);
    return this.pages.close(request, page.records, page.total, positionOf, async (records) => {
      if (records.length === 0) return [];
      const ids = records.map((post) => post._id.toHexString());
      const [owners, liked] = await Promise.all([
        this.users.findOwnerLites(records.map((post) => post.owner.toHexString())),
        this.likes.likedAmong('communityPost', ids, viewerId),
      ]);
      return records.flatMap((post) => {
        const owner = owners.get(post.owner.toHexString());
        if (!owner) {
          // Only verified users post and accounts never become pending again; a post without a
          // visible owner is invisible and stays out of the page.
          this.logger.warn(
            `Post ${post._id.toHexString()} has no visible owner; left out of the feed`,
          );
          return [];
        }
        return [toPostResponse(post, owner, figuresOf(post, liked))];
      });
    });
  }

  /** A visible user's posts. The user lookup doubles as the owner of every post. */
  async listByUser(
    userId: string,
    query: CursorPaginationQueryDto,
    viewerId: string | null,
  ): Promise<CursorPaginated<PostResponse>> {
    const owner = await this.users.findVisibleUserById(userId);
    if (!owner) throw CommunityPostsErrors.userNotFound();
    const request = this.pages.open(`posts:user:${userId}`, query, 'date');
    const page = await this.readPage(userId, request);
    return this.pages.close(request, page.records, page.total, positionOf, async (records) => {
      if (records.length === 0) return [];
      const liked = await this.likes.likedAmong(
        'communityPost',
        records.map((post) => post._id.toHexString()),
        viewerId,
      );
      return records.map((post) => toPostResponse(post, owner, figuresOf(post, liked)));
    });
  }

  /** A numbered page with its total in one round trip, or a cursor page by keyset (no total). */
  private async readPage(
    ownerId: string | null,
    request: CursorPageRequest<Date>,
  ): Promise<{ records: PostRecord[]; total: number | null }> {
    const { after, skip, take } = request.window;
    if (after === null) return this.posts.findPage(ownerId, skip, take);
    return { records: await this.posts.findPageAfter(ownerId, after, take), total: null };
  }

  /**
   * Editing: 404, then 403, then the write; a post deleted meanwhile is 404, not `data: null`.
   * With `If-Match`: the post as the lists show it to its owner, built from the record just read,
   * must carry a listed tag, and the write only happens while the post is still at that read's
   * version (docs/api.md#caching).
   */
  async update(
    postId: string,
    userId: string,
    content: string,
    precondition: WritePrecondition<PostResponse> | null = null,
  ): Promise<PostResponse> {
    const { post, owner } = await this.findVisibleOr404(postId);
    if (post.owner.toHexString() !== userId) throw CommunityPostsErrors.notOwnerEdit();
    const checked = precondition !== null && !precondition.isWildcard;
    if (checked) {
      const liked = await this.likes.likedAmong('communityPost', [postId], userId);
      precondition.assertHolds(toPostResponse(post, owner, figuresOf(post, liked)));
    }
    const updated = checked
      ? await this.posts.updateOwnedAtVersion(postId, userId, content, post.updatedAt)
      : await this.posts.updateOwned(postId, userId, content);
    if (!updated) {
      // Another write moved the version (412), or the post was deleted meanwhile.
      if (checked && (await this.posts.findById(postId)) !== null)
        throw precondition.changedMeanwhile();
      throw CommunityPostsErrors.postNotFound();
    }
    const liked = await this.likes.likedAmong('communityPost', [postId], userId);
    return toPostResponse(updated, owner, figuresOf(updated, liked));
  }

  /**
   * Deleting: the document goes first, so from then on every like, comment or read through the post
   * misses; then its likes, then its comments through the event. A failed clean-up is logged and
   * never changes this response: leftovers are unreachable, since every read goes through the post.
   */
  async remove(postId: string, userId: string): Promise<null> {
    const { post } = await this.findVisibleOr404(postId);
    if (post.owner.toHexString() !== userId) throw CommunityPostsErrors.notOwnerDelete();
    // A concurrent delete of the same post won; it also runs the clean-up.
    if (!(await this.posts.deleteOwned(postId, userId))) throw CommunityPostsErrors.postNotFound();
    try {
      await this.likes.removeAllOn('communityPost', [postId]);
    } catch (error) {
      this.logger.error(
        `Removing the likes of deleted post ${postId} (owner ${userId}) failed`,
        errorTrace(error),
      );
    }
    await this.events.publish('community-post.deleted', {
      postId,
      ownerId: userId,
      deletedAt: new Date(),
    });
    return null;
  }

  /**
   * For comments and the like endpoints: the owner id of the post if it exists and its owner is
   * visible, else null. Missing and invisible are the same answer.
   */
  async findVisibleOwnerId(postId: string): Promise<string | null> {
    const post = await this.posts.findById(postId);
    if (!post) return null;
    const ownerId = post.owner.toHexString();
    return (await this.users.isVerified(ownerId)) ? ownerId : null;
  }

  /** A post as notifications name it (owner and text), if it exists and its owner is visible. */
  async findVisibleSummary(postId: string): Promise<{ ownerId: string; content: string } | null> {
    const post = await this.posts.findById(postId);
    if (!post) return null;
    const ownerId = post.owner.toHexString();
    return (await this.users.isVerified(ownerId)) ? { ownerId, content: post.content } : null;
  }

  /**
   * For a post's comment list: the owner id of an existing post, visible or not. The caller
   * resolves the page's owners anyway and checks this owner's visibility in that same query, which
   * keeps the list at a constant 4 round trips.
   */
  async findOwnerIdOfPost(postId: string): Promise<string | null> {
    const post = await this.posts.findById(postId);
    return post ? post.owner.toHexString() : null;
  }

  private async findVisibleOr404(
    postId: string,
  ): Promise<{ post: PostRecord; owner: OwnerLiteResponse }> {
    const post = await this.posts.findById(postId);
    if (!post) throw CommunityPostsErrors.postNotFound();
    const owner = await this.users.findVisibleUserById(post.owner.toHexString());
    if (!owner) throw CommunityPostsErrors.postNotFound();
    return { post, owner };
  }
}

/** A post's maintained `likesCount` and whether the viewer is among its likers. */
function figuresOf(post: PostRecord, liked: Set<string>): LikeFigures {
  return { likesCount: post.likesCount ?? 0, isLiked: liked.has(post._id.toHexString()) };
}

/** A post's place in its list: `createdAt`, then `_id`. */
function positionOf(post: PostRecord): CursorPosition<Date> {
  return { key: post.createdAt, id: post._id.toHexString() };
}
