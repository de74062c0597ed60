import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthPrincipal } from 'src/common/auth/auth-principal.type';
import { RequiredAuth } from 'src/common/decorators/auth-mode.decorator';
import { CurrentUser } from 'src/common/decorators/current-user.decorator';
import { type ApiResult, ResponseMessage } from 'src/common/decorators/response-message.decorator';
import { PlainListQueryDto } from 'src/common/dto/pagination-query.dto';
import { ApiErrors } from 'src/common/swagger/api-errors.decorator';
import { ApiSuccess } from 'src/common/swagger/api-success.decorator';
import { LikedVideoResponse } from 'src/features/engagement/dto/liked-video.response';
import { LikeToggleResponse } from 'src/features/engagement/dto/like-toggle.response';
import { LikeActionsService } from 'src/features/engagement/like-actions.service';

/** §5. Toggles take no body and answer 200 with a message that names the new state. */
@ApiTags('Like')
@Controller('like')
export class LikesController {
  constructor(private readonly likes: LikeActionsService) {}

  @RequiredAuth()
  @Post('toggle-video-like/:videoId')
  @HttpCode(200)
  @ApiSuccess({
    message: ['Video liked successfully', 'Video unliked successfully'],
    data: LikeToggleResponse,
  })
  @ApiErrors({ 404: ['NOT_FOUND: Video not found'] })
  toggleVideoLike(
    @Param('videoId') videoId: string,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<ApiResult<LikeToggleResponse>> {
    return this.likes.toggleVideoLike(videoId, user.userId);
  }

  @RequiredAuth()
  @Post('toggle-comment-like/:commentId')
  @HttpCode(200)
  @ApiSuccess({
    message: ['Comment liked successfully', 'Comment unliked successfully'],
    data: LikeToggleResponse,
  })
  @ApiErrors({ 404: ['NOT_FOUND: Comment not found'] })
  toggleCommentLike(
    @Param('commentId') commentId: string,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<ApiResult<LikeToggleResponse>> {
    return this.likes.toggleCommentLike(commentId, user.userId);
  }

  @RequiredAuth()
  @Post('toggle-community-post-like/:postId')
  @HttpCode(200)
  @ApiSuccess({
    message: ['Post liked successfully', 'Post unliked successfully'],
    data: LikeToggleResponse,
  })
  @ApiErrors({ 404: ['NOT_FOUND: Community post not found'] })
  toggleCommunityPostLike(
    @Param('postId') postId: string,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<ApiResult<LikeToggleResponse>> {
    return this.likes.toggleCommunityPostLike(postId, user.userId);
  }

  @RequiredAuth()
  @Get('liked-videos')
  @ResponseMessage('Liked videos fetched successfully')
  @ApiSuccess({ message: 'Liked videos fetched successfully', data: [LikedVideoResponse] })
  @ApiErrors({})
  likedVideos(
    @Query() query: PlainListQueryDto,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<LikedVideoResponse[]> {
    return this.likes.likedVideos(user.userId, query);
  }
}
