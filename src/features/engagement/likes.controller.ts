import { Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthPrincipal } from 'src/common/auth/auth-principal.type';
import { RequiredAuth } from 'src/common/decorators/auth-mode.decorator';
import { CurrentUser } from 'src/common/decorators/current-user.decorator';
import { Endpoint } from 'src/common/decorators/endpoint.decorator';
import type { ApiResult } from 'src/common/decorators/response-message.decorator';
import { PlainListQueryDto } from 'src/common/dto/pagination-query.dto';
import { LikedVideoResponse } from 'src/features/engagement/dto/liked-video.response';
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

  @RequiredAuth()
  @Get('liked-videos')
  @Endpoint({ message: LikesMessages.likedVideos, data: [LikedVideoResponse] })
  likedVideos(
    @Query() query: PlainListQueryDto,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<LikedVideoResponse[]> {
    return this.likes.likedVideos(user.userId, query);
  }
}
