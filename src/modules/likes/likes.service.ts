import { Injectable } from '@nestjs/common';
import { ApiResult } from 'src/common/decorators/response-message.decorator';
import type { PlainListQueryDto } from 'src/common/dto/pagination-query.dto';
import type { AppException } from 'src/common/errors/app.exception';
import { CommentsService } from 'src/modules/comments/comments.service';
import { CommunityPostsService } from 'src/modules/community-posts/community-posts.service';
import type { LikedVideoResponse } from 'src/modules/likes/dto/liked-video.response';
import type { LikeToggleResponse } from 'src/modules/likes/dto/like-toggle.response';
import type { LikeKey } from 'src/modules/likes/like-records.type';
import { LikesErrors } from 'src/modules/likes/likes.errors';
import { toLikedVideo, toLikeToggle } from 'src/modules/likes/likes.mapper';
import { LikesRepository } from 'src/modules/likes/likes.repository';
import type { LikeTargetType } from 'src/modules/likes/schemas/like.schema';
import { toggleRelation } from 'src/modules/likes/toggle.util';
import { VideosService } from 'src/modules/videos/videos.service';

/**
 * L4 reads at most this many of the caller's most recent video likes. Hidden (unpublished) and
 * not yet cleaned-up videos can only be told apart by asking the videos, so the visible list is
 * computed from the caller's likes as a whole: this bound keeps that one query bounded.
 */
export const LIKED_VIDEOS_SCAN_LIMIT = 5000;

/** How one target kind answers: its visibility check, its 404 and its two messages. */
interface TargetRules {
  isVisible: () => Promise<boolean>;
  notFound: () => AppException;
  liked: string;
  unliked: string;
}

/**
 * Likes (§5). A toggle checks the target (missing or invisible → 404, §1.11), toggles through
 * the unique index, re-checks the target after a create, and answers with the stored state and
 * count read back in one grouped query, so `isLiked` and `likesCount` always agree.
 */
@Injectable()
export class LikesService {
  constructor(
    private readonly likes: LikesRepository,
    private readonly videos: VideosService,
    private readonly comments: CommentsService,
    private readonly posts: CommunityPostsService,
  ) {}

  /** L1. */
  toggleVideoLike(videoId: string, userId: string): Promise<ApiResult<LikeToggleResponse>> {
    return this.toggle('video', videoId, userId, {
      isVisible: async () => (await this.videos.findVisibleOwnerId(videoId, userId)) !== null,
      notFound: LikesErrors.videoNotFound,
      liked: 'Video liked successfully',
      unliked: 'Video unliked successfully',
    });
  }

  /** L2: the comment must exist and its parent video or post be visible to the caller. */
  toggleCommentLike(commentId: string, userId: string): Promise<ApiResult<LikeToggleResponse>> {
    return this.toggle('comment', commentId, userId, {
      isVisible: () => this.comments.isVisible(commentId, userId),
      notFound: LikesErrors.commentNotFound,
      liked: 'Comment liked successfully',
      unliked: 'Comment unliked successfully',
    });
  }

  /** L3: the post must exist and its owner be visible. */
  toggleCommunityPostLike(postId: string, userId: string): Promise<ApiResult<LikeToggleResponse>> {
    return this.toggle('communityPost', postId, userId, {
      isVisible: async () => (await this.posts.findVisibleOwnerId(postId)) !== null,
      notFound: LikesErrors.postNotFound,
      liked: 'Post liked successfully',
      unliked: 'Post unliked successfully',
    });
  }

  /**
   * L4: liked videos that still exist and are visible to the caller, like time descending then
   * like `_id` descending. Round trips: the likes, the videos, their owners, their counts (4),
   * whatever the page size.
   */
  async likedVideos(userId: string, query: PlainListQueryDto): Promise<LikedVideoResponse[]> {
    const likes = await this.likes.findLikedTargets(userId, 'video', LIKED_VIDEOS_SCAN_LIMIT);
    if (likes.length === 0) return [];
    const likedAt = new Map(likes.map((like) => [like.target.toHexString(), like.createdAt]));
    const cards = await this.videos.likedVideoCards(
      likes.map((like) => like.target.toHexString()),
      (query.page - 1) * query.limit,
      query.limit,
      userId,
    );
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
    const key: LikeKey = { targetType, targetId, userId };
    const outcome = await toggleRelation({
      remove: () => this.likes.deleteOne(key),
      create: () => this.likes.insert(key),
      targetStillExists: rules.isVisible,
    });
    if (outcome === 'target-gone') throw rules.notFound();
    // Read back rather than inferred from the outcome: with concurrent toggles by the same user
    // the stored state may already differ, and the answer must report what is stored (I-3).
    const [figures] = await this.likes.figuresFor(targetType, [targetId], userId);
    const result = toLikeToggle(figures);
    return new ApiResult(result.isLiked ? rules.liked : rules.unliked, result);
  }
}
