import { Injectable } from '@nestjs/common';
import { ApiResult } from 'src/common/decorators/response-message.decorator';
import type { PlainListQueryDto } from 'src/common/dto/pagination-query.dto';
import type { AppException } from 'src/common/errors/app.exception';
import type { LikedVideoResponse } from 'src/features/engagement/dto/liked-video.response';
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

/**
 * The like endpoints: a toggle checks the target (missing or invisible → 404), toggles in the
 * likes store (which re-checks the target after a create, and whose events move the target's
 * counter), and answers with the caller's state and the target's stored `likesCount`.
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
  ) {}

  toggleVideoLike(videoId: string, userId: string): Promise<ApiResult<LikeToggleResponse>> {
    return this.toggle('video', videoId, userId, {
      isVisible: async () => (await this.videos.findVisibleOwnerId(videoId, userId)) !== null,
      likesCount: () => this.videoCounters.likesCount(videoId),
      notFound: LikesErrors.videoNotFound,
      liked: LikesMessages.videoLiked,
      unliked: LikesMessages.videoUnliked,
    });
  }

  /** The comment must exist and its parent video or post be visible to the caller. */
  toggleCommentLike(commentId: string, userId: string): Promise<ApiResult<LikeToggleResponse>> {
    return this.toggle('comment', commentId, userId, {
      isVisible: () => this.comments.isVisible(commentId, userId),
      likesCount: () => this.commentCounters.likesCount(commentId),
      notFound: LikesErrors.commentNotFound,
      liked: LikesMessages.commentLiked,
      unliked: LikesMessages.commentUnliked,
    });
  }

  /** The post must exist and its owner be visible. */
  toggleCommunityPostLike(postId: string, userId: string): Promise<ApiResult<LikeToggleResponse>> {
    return this.toggle('communityPost', postId, userId, {
      isVisible: async () => (await this.posts.findVisibleOwnerId(postId)) !== null,
      likesCount: () => this.postCounters.likesCount(postId),
      notFound: LikesErrors.postNotFound,
      liked: LikesMessages.postLiked,
      unliked: LikesMessages.postUnliked,
    });
  }

  /**
   * Liked videos that still exist and are visible to the caller, like time descending then like
   * `_id` descending. Round trips: the likes, the videos, their owners, their figures (4),
   * whatever the page size.
   */
  async likedVideos(userId: string, query: PlainListQueryDto): Promise<LikedVideoResponse[]> {
    const liked = await this.likes.likedTargets(userId, 'video', LIKED_VIDEOS_SCAN_LIMIT);
    if (liked.length === 0) return [];
    const likedAt = new Map(liked.map((like) => [like.targetId, like.likedAt]));
    const { cards } = await this.videos.cardsInOrder([...likedAt.keys()], {
      viewerId: userId,
      visibility: 'visible',
      page: { skip: (query.page - 1) * query.limit, limit: query.limit },
    });
    return cards.flatMap((card) => {
      const at = likedAt.get(card._id);
      return at ? [toLikedVideo(card, at)] : [];
    });
  }

  private async toggle(
    targetType: LikeTargetType,
    targetId: string,
    userId: string,
    rules: TargetRules,
  ): Promise<ApiResult<LikeToggleResponse>> {
    if (!(await rules.isVisible())) throw rules.notFound();
    const state = await this.likes.toggle(targetType, targetId, userId, rules.isVisible);
    if (!state) throw rules.notFound();
    // The like events have moved the target's counter before the toggle resolved.
    const likesCount = await rules.likesCount();
    if (likesCount === null) throw rules.notFound();
    const result: LikeToggleResponse = { isLiked: state.isLiked, likesCount };
    return new ApiResult(result.isLiked ? rules.liked : rules.unliked, result);
  }
}
