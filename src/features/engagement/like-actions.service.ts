import { Injectable } from '@nestjs/common';
import { ApiResult } from 'src/common/decorators/response-message.decorator';
import type { CursorList } from 'src/common/dto/paginated.util';
import type { CursorListQueryDto } from 'src/common/dto/pagination-query.dto';
import { comesAfter, CursorPagesService } from 'src/common/pagination/cursor-pages.service';
import { countBeside, type RelationIntent } from 'src/common/database/relation-state.util';
import type { AppException } from 'src/common/errors/app.exception';
import type { LikedVideoResponse } from 'src/features/engagement/dto/liked-video.response';
import type { LikeStateResponse } from 'src/features/engagement/dto/like-state.response';
import type { LikeToggleResponse } from 'src/features/engagement/dto/like-toggle.response';
import { LikesErrors } from 'src/features/engagement/likes.errors';
import { toLikedVideo } from 'src/features/engagement/likes.mapper';
import { LikesMessages } from 'src/features/engagement/likes.messages';
import { CommentCountersService } from 'src/modules/comments/comment-counters.service';
import { CommentsService } from 'src/modules/comments/comments.service';
import { CommunityPostCountersService } from 'src/modules/community-posts/community-post-counters.service';
import { CommunityPostsService } from 'src/modules/community-posts/community-posts.service';
import { LikesService } from 'src/modules/likes/likes.service';
import type { LikeTargetType } from 'src/modules/likes/schemas/like.schema';
import { VideoCatalogueService } from 'src/modules/videos/video-catalogue.service';
import { VideoCountersService } from 'src/modules/videos/video-counters.service';

/**
 * The liked-videos list reads at most this many of the caller's most recent video likes. Hidden
 * (unpublished) and not yet cleaned-up videos can only be told apart by asking the videos, so the
 * visible list is computed from the caller's likes as a whole: this bound keeps that one query bounded.
 */
export const LIKED_VIDEOS_SCAN_LIMIT = 5000;

/** How one target kind answers: its visibility check, its stored count, its 404 and its two messages. */
interface TargetRules {
  isVisible: () => Promise<boolean>;
  /** The target's maintained `likesCount`, or null when it is gone. */
  likesCount: () => Promise<number | null>;
  notFound: () => AppException;
  liked: string;
  unliked: string;
}

/** The caller's like after a change, and the target's stored count right after it. */
interface LikeState {
  liked: boolean;
  likesCount: number;
}

/**
 * The like endpoints: the toggles and the idempotent PUT/DELETE (docs/api.md#idempotent-state)
 * are one path with three intents. It checks the target (missing or invisible → 404), changes the
 * like in the likes store (which re-checks the target after a create, and whose events move the
 * target's counter, once per like actually stored or removed), and answers with the caller's
 * state and the target's stored `likesCount`.
 */
@Injectable()
export class LikeActionsService {
  constructor(
    private readonly likes: LikesService,
    private readonly videos: VideoCatalogueService,
    private readonly videoCounters: VideoCountersService,
    private readonly comments: CommentsService,
    private readonly posts: CommunityPostsService,
    private readonly commentCounters: CommentCountersService,
    private readonly postCounters: CommunityPostCountersService,
    private readonly pages: CursorPagesService,
  ) {}

  toggleVideoLike(videoId: string, userId: string): Promise<ApiResult<LikeToggleResponse>> {
    return this.toggle('video', videoId, userId);
  }

  toggleCommentLike(commentId: string, userId: string): Promise<ApiResult<LikeToggleResponse>> {
    return this.toggle('comment', commentId, userId);
  }

  toggleCommunityPostLike(postId: string, userId: string): Promise<ApiResult<LikeToggleResponse>> {
    return this.toggle('communityPost', postId, userId);
  }

  /**
   * PUT (`liked` true) or DELETE (false) of the caller's like: the state asked for, whether or
   * not this call changed anything, so repeating it answers the same.
   */
  setLike(
    targetType: LikeTargetType,
    targetId: string,
    userId: string,
    liked: boolean,
  ): Promise<LikeStateResponse> {
    const rules = this.rulesFor(targetType, targetId, userId);
    return this.change(liked ? 'set' : 'unset', targetType, targetId, userId, rules);
  }

  /**
   * Liked videos that still exist and are visible to the caller, like time descending then like
   * `_id` descending. Round trips: the likes, the videos, their owners, their figures (4),
   * whatever the page size.
   */
  async likedVideos(
    userId: string,
    query: CursorListQueryDto,
  ): Promise<CursorList<LikedVideoResponse>> {
    const request = this.pages.open(`liked-videos:${userId}`, query, 'date');
    const { after, skip, take } = request.window;
    const liked = (await this.likes.likedTargets(userId, 'video', LIKED_VIDEOS_SCAN_LIMIT)).filter(
      (like) => after === null || comesAfter({ key: like.likedAt, id: like.likeId }, after, 'desc'),
    );
    const byVideo = new Map(liked.map((like) => [like.targetId, like]));
    const { cards } =
      liked.length === 0
        ? { cards: [] }
        : await this.videos.cardsInOrder([...byVideo.keys()], {
            viewerId: userId,
            visibility: 'visible',
            page: { skip, limit: take },
          });
    const items = cards.flatMap((card) => {
      const like = byVideo.get(card._id);
      return like ? [{ like, doc: toLikedVideo(card, like.likedAt) }] : [];
    });
    return this.pages.closeList(
      request,
      items,
      ({ like }) => ({ key: like.likedAt, id: like.likeId }),
      (page) => Promise.resolve(page.map(({ doc }) => doc)),
    );
  }

  private async toggle(
    targetType: LikeTargetType,
    targetId: string,
    userId: string,
  ): Promise<ApiResult<LikeToggleResponse>> {
    const rules = this.rulesFor(targetType, targetId, userId);
    const state = await this.change('toggle', targetType, targetId, userId, rules);
    const result: LikeToggleResponse = { isLiked: state.liked, likesCount: state.likesCount };
    return new ApiResult(result.isLiked ? rules.liked : rules.unliked, result);
  }

  /** The one path behind the toggles and the idempotent PUT and DELETE. */
  private async change(
    intent: RelationIntent,
    targetType: LikeTargetType,
    targetId: string,
    userId: string,
    rules: TargetRules,
  ): Promise<LikeState> {
    if (!(await rules.isVisible())) throw rules.notFound();
    const state = await this.likes.apply(intent, targetType, targetId, userId, rules.isVisible);
    if (!state) throw rules.notFound();
    // The like events have moved the target's counter before the change resolved.
    const likesCount = await rules.likesCount();
    if (likesCount === null) throw rules.notFound();
    return { liked: state.liked, likesCount: countBeside(state.liked, likesCount) };
  }

  private rulesFor(targetType: LikeTargetType, targetId: string, userId: string): TargetRules {
    switch (targetType) {
      case 'video':
        return {
          isVisible: async () => (await this.videos.findVisibleOwnerId(targetId, userId)) !== null,
          likesCount: () => this.videoCounters.likesCount(targetId),
          notFound: LikesErrors.videoNotFound,
          liked: LikesMessages.videoLiked,
          unliked: LikesMessages.videoUnliked,
        };
      // The comment must exist and its parent video or post be visible to the caller.
      case 'comment':
        return {
          isVisible: () => this.comments.isVisible(targetId, userId),
          likesCount: () => this.commentCounters.likesCount(targetId),
          notFound: LikesErrors.commentNotFound,
          liked: LikesMessages.commentLiked,
          unliked: LikesMessages.commentUnliked,
        };
      // The post must exist and its owner be visible.
      case 'communityPost':
        return {
          isVisible: async () => (await this.posts.findVisibleOwnerId(targetId)) !== null,
          likesCount: () => this.postCounters.likesCount(targetId),
          notFound: LikesErrors.postNotFound,
          liked: LikesMessages.postLiked,
          unliked: LikesMessages.postUnliked,
        };
    }
  }
}
