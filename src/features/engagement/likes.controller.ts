import { Controller, Delete, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthPrincipal } from 'src/common/auth/auth-principal.type';
import { RequiredAuth } from 'src/common/decorators/auth-mode.decorator';
import { CurrentUser } from 'src/common/decorators/current-user.decorator';
import { Endpoint } from 'src/common/decorators/endpoint.decorator';
import type { ApiResult } from 'src/common/decorators/response-message.decorator';
import type { CursorList } from 'src/common/dto/paginated.util';
import { CursorListQueryDto } from 'src/common/dto/pagination-query.dto';
import { PaginationErrors } from 'src/common/pagination/pagination.errors';
import { LikedVideoResponse } from 'src/features/engagement/dto/liked-video.response';
import { LikeStateResponse } from 'src/features/engagement/dto/like-state.response';
import { LikeToggleResponse } from 'src/features/engagement/dto/like-toggle.response';
import { LikeActionsService } from 'src/features/engagement/like-actions.service';
import { LikesErrors } from 'src/features/engagement/likes.errors';
import { LikesMessages } from 'src/features/engagement/likes.messages';

/** `/like`. Toggles take no body and answer 200 with a message that names the new state. */
@ApiTags('Like')
@Controller('like')
export class LikesController {
  constructor(private readonly likes: LikeActionsService) {}

  @RequiredAuth()
  @Post('toggle-video-like/:videoId')
  @Endpoint({
    message: [LikesMessages.videoLiked, LikesMessages.videoUnliked],
    data: LikeToggleResponse,
    errors: [LikesErrors.videoNotFound],
  })
  toggleVideoLike(
    @Param('videoId') videoId: string,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<ApiResult<LikeToggleResponse>> {
    return this.likes.toggleVideoLike(videoId, user.userId);
  }

  @RequiredAuth()
  @Post('toggle-comment-like/:commentId')
  @Endpoint({
    message: [LikesMessages.commentLiked, LikesMessages.commentUnliked],
    data: LikeToggleResponse,
    errors: [LikesErrors.commentNotFound],
  })
  toggleCommentLike(
    @Param('commentId') commentId: string,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<ApiResult<LikeToggleResponse>> {
    return this.likes.toggleCommentLike(commentId, user.userId);
  }

  @RequiredAuth()
  @Post('toggle-community-post-like/:postId')
  @Endpoint({
    message: [LikesMessages.postLiked, LikesMessages.postUnliked],
    data: LikeToggleResponse,
    errors: [LikesErrors.postNotFound],
  })
  toggleCommunityPostLike(
    @Param('postId') postId: string,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<ApiResult<LikeToggleResponse>> {
    return this.likes.toggleCommunityPostLike(postId, user.userId);
  }

  // The idempotent state routes beside the toggles (docs/api.md#idempotent-state): PUT likes,
  // DELETE unlikes; repeating one changes nothing and answers the same.
  @RequiredAuth()
  @Put('video/:videoId')
  @Endpoint({
    message: LikesMessages.videoLiked,
    data: LikeStateResponse,
    errors: [LikesErrors.videoNotFound],
  })
  likeVideo(
    @Param('videoId') videoId: string,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<LikeStateResponse> {
    return this.likes.setLike('video', videoId, user.userId, true);
  }

  @RequiredAuth()
  @Delete('video/:videoId')
  @Endpoint({
    message: LikesMessages.videoUnliked,
    data: LikeStateResponse,
    errors: [LikesErrors.videoNotFound],
  })
  unlikeVideo(
    @Param('videoId') videoId: string,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<LikeStateResponse> {
    return this.likes.setLike('video', videoId, user.userId, false);
  }

  @RequiredAuth()
  @Put('comment/:commentId')
  @Endpoint({
    message: LikesMessages.commentLiked,
    data: LikeStateResponse,
    errors: [LikesErrors.commentNotFound],
  })
  likeComment(
    @Param('commentId') commentId: string,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<LikeStateResponse> {
    return this.likes.setLike('comment', commentId, user.userId, true);
  }

  @RequiredAuth()
  @Delete('comment/:commentId')
  @Endpoint({
    message: LikesMessages.commentUnliked,
    data: LikeStateResponse,
    errors: [LikesErrors.commentNotFound],
  })
  unlikeComment(
    @Param('commentId') commentId: string,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<LikeStateResponse> {
    return this.likes.setLike('comment', commentId, user.userId, false);
  }

  @RequiredAuth()
  @Put('communitypost/:postId')
  @Endpoint({
    message: LikesMessages.postLiked,
    data: LikeStateResponse,
    errors: [LikesErrors.postNotFound],
  })
  likeCommunityPost(
    @Param('postId') postId: string,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<LikeStateResponse> {
    return this.likes.setLike('communityPost', postId, user.userId, true);
  }

  @RequiredAuth()
  @Delete('communitypost/:postId')
  @Endpoint({
    message: LikesMessages.postUnliked,
    data: LikeStateResponse,
    errors: [LikesErrors.postNotFound],
  })
  unlikeCommunityPost(
    @Param('postId') postId: string,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<LikeStateResponse> {
    return this.likes.setLike('communityPost', postId, user.userId, false);
  }

  @RequiredAuth()
  @Get('liked-videos')
  @Endpoint({
    message: LikesMessages.likedVideos,
    data: [LikedVideoResponse],
    cursor: true,
    errors: [PaginationErrors.invalidCursor],
  })
  likedVideos(
    @Query() query: CursorListQueryDto,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<CursorList<LikedVideoResponse>> {
    return this.likes.likedVideos(user.userId, query);
  }
}
