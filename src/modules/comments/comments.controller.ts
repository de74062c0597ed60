import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthPrincipal } from 'src/common/auth/auth-principal.type';
import { OptionalAuth, RequiredAuth } from 'src/common/decorators/auth-mode.decorator';
import { CurrentUser, CurrentViewer } from 'src/common/decorators/current-user.decorator';
import { ResponseMessage } from 'src/common/decorators/response-message.decorator';
import type { Paginated } from 'src/common/dto/paginated.util';
import { ApiErrors } from 'src/common/swagger/api-errors.decorator';
import { ApiSuccess } from 'src/common/swagger/api-success.decorator';
import { CommentsService } from 'src/modules/comments/comments.service';
import { CommentContentDto } from 'src/modules/comments/dto/comment-content.dto';
import { CommentResponse, ReplyPageResponse } from 'src/modules/comments/dto/comment.response';
import { ListRepliesQueryDto } from 'src/modules/comments/dto/list-replies-query.dto';
import {
  ListPostCommentsQueryDto,
  ListVideoCommentsQueryDto,
} from 'src/modules/comments/dto/list-comments-query.dto';

const VIDEO_NOT_FOUND = ['NOT_FOUND: Video not found'];
const POST_NOT_FOUND = ['NOT_FOUND: Community post not found'];
const COMMENT_NOT_FOUND = ['NOT_FOUND: Comment not found'];
const CONTENT_ERRORS = [
  'VALIDATION_ERROR: Comment Content is required',
  'VALIDATION_ERROR: Comment must be at most 1000 characters',
];

/** §6. */
@ApiTags('Comment')
@Controller('comment')
export class CommentsController {
  constructor(private readonly comments: CommentsService) {}

  @OptionalAuth()
  @Get('video-comments/:videoId')
  @ResponseMessage('Video comments fetched successfully')
  @ApiSuccess({
    message: 'Video comments fetched successfully',
    data: CommentResponse,
    paginated: true,
  })
  @ApiErrors({ 404: VIDEO_NOT_FOUND })
  listForVideo(
    @Param('videoId') videoId: string,
    @Query() query: ListVideoCommentsQueryDto,
    @CurrentViewer() viewer: AuthPrincipal | null,
  ): Promise<Paginated<CommentResponse>> {
    return this.comments.listForVideo(videoId, query, viewer?.userId ?? null);
  }

  @RequiredAuth()
  @Post('video-comments/:videoId')
  @HttpCode(201)
  @ResponseMessage('Comment added successfully')
  @ApiSuccess({ status: 201, message: 'Comment added successfully', data: CommentResponse })
  @ApiErrors({ 400: CONTENT_ERRORS, 404: VIDEO_NOT_FOUND })
  addToVideo(
    @Param('videoId') videoId: string,
    @Body() body: CommentContentDto,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<CommentResponse> {
    return this.comments.addToVideo(videoId, user.userId, body.content);
  }

  @OptionalAuth()
  @Get('post-comments/:postId')
  @ResponseMessage('Post comments fetched successfully')
  @ApiSuccess({
    message: 'Post comments fetched successfully',
    data: CommentResponse,
    paginated: true,
  })
  @ApiErrors({ 404: POST_NOT_FOUND })
  listForPost(
    @Param('postId') postId: string,
    @Query() query: ListPostCommentsQueryDto,
    @CurrentViewer() viewer: AuthPrincipal | null,
  ): Promise<Paginated<CommentResponse>> {
    return this.comments.listForPost(postId, query, viewer?.userId ?? null);
  }

  @RequiredAuth()
  @Post('post-comments/:postId')
  @HttpCode(201)
  @ResponseMessage('Comment added successfully')
  @ApiSuccess({ status: 201, message: 'Comment added successfully', data: CommentResponse })
  @ApiErrors({ 400: CONTENT_ERRORS, 404: POST_NOT_FOUND })
  addToPost(
    @Param('postId') postId: string,
    @Body() body: CommentContentDto,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<CommentResponse> {
    return this.comments.addToPost(postId, user.userId, body.content);
  }

  @RequiredAuth()
  @Post(':commentId/replies')
  @HttpCode(201)
  @ResponseMessage('Reply added successfully')
  @ApiSuccess({ status: 201, message: 'Reply added successfully', data: CommentResponse })
  @ApiErrors({ 400: CONTENT_ERRORS, 404: COMMENT_NOT_FOUND })
  addReply(
    @Param('commentId') commentId: string,
    @Body() body: CommentContentDto,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<CommentResponse> {
    return this.comments.addReply(commentId, user.userId, body.content);
  }

  @OptionalAuth()
  @Get(':commentId/replies')
  @ResponseMessage('Replies fetched successfully')
  @ApiSuccess({ message: 'Replies fetched successfully', data: ReplyPageResponse })
  @ApiErrors({ 400: ['INVALID_CURSOR: Invalid cursor'], 404: COMMENT_NOT_FOUND })
  listReplies(
    @Param('commentId') commentId: string,
    @Query() query: ListRepliesQueryDto,
    @CurrentViewer() viewer: AuthPrincipal | null,
  ): Promise<ReplyPageResponse> {
    return this.comments.listReplies(commentId, query, viewer?.userId ?? null);
  }

  @RequiredAuth()
  @Patch(':commentId')
  @ResponseMessage('Comment updated successfully')
  @ApiSuccess({ message: 'Comment updated successfully', data: CommentResponse })
  @ApiErrors({
    400: CONTENT_ERRORS,
    403: ['FORBIDDEN: You are not authorized to edit this comment'],
    404: COMMENT_NOT_FOUND,
  })
  update(
    @Param('commentId') commentId: string,
    @Body() body: CommentContentDto,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<CommentResponse> {
    return this.comments.update(commentId, user.userId, body.content);
  }

  @RequiredAuth()
  @Delete(':commentId')
  @ResponseMessage('Comment deleted successfully')
  @ApiSuccess({ message: 'Comment deleted successfully', data: null })
  @ApiErrors({
    403: ['FORBIDDEN: You are not authorized to delete this comment'],
    404: COMMENT_NOT_FOUND,
  })
  remove(@Param('commentId') commentId: string, @CurrentUser() user: AuthPrincipal): Promise<null> {
    return this.comments.remove(commentId, user.userId);
  }
}
