import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthPrincipal } from 'src/common/auth/auth-principal.type';
import { OptionalAuth, RequiredAuth } from 'src/common/decorators/auth-mode.decorator';
import { CurrentUser, CurrentViewer } from 'src/common/decorators/current-user.decorator';
import { Endpoint } from 'src/common/decorators/endpoint.decorator';
import type { CursorPaginated } from 'src/common/dto/paginated.util';
import { IfMatch, type WritePrecondition } from 'src/common/http/if-match.decorator';
import { ITEM } from 'src/common/http/representation.util';
import { Idempotent } from 'src/common/idempotency/idempotent.decorator';
import { PaginationErrors } from 'src/common/pagination/pagination.errors';
import { CommentsErrors } from 'src/modules/comments/comments.errors';
import { CommentsMessages } from 'src/modules/comments/comments.messages';
import { CommentsService } from 'src/modules/comments/comments.service';
import {
  COMMENT_CONTENT_ERRORS,
  CommentContentDto,
} from 'src/modules/comments/dto/comment-content.dto';
import { CommentResponse, ReplyPageResponse } from 'src/modules/comments/dto/comment.response';
import { ListRepliesQueryDto } from 'src/modules/comments/dto/list-replies-query.dto';
import {
  ListPostCommentsQueryDto,
  ListVideoCommentsQueryDto,
} from 'src/modules/comments/dto/list-comments-query.dto';

/** `/comment`: the comments of videos and of community posts. */
@ApiTags('Comment')
@Controller('comment')
export class CommentsController {
  constructor(private readonly comments: CommentsService) {}

  @OptionalAuth()
  @Get('video-comments/:videoId')
  @Endpoint({
    message: CommentsMessages.videoCommentsListed,
    data: CommentResponse,
    paginated: true,
    cursor: true,
    errors: [PaginationErrors.invalidCursor, CommentsErrors.videoNotFound],
  })
  listForVideo(
    @Param('videoId') videoId: string,
    @Query() query: ListVideoCommentsQueryDto,
    @CurrentViewer() viewer: AuthPrincipal | null,
  ): Promise<CursorPaginated<CommentResponse>> {
    return this.comments.listForVideo(videoId, query, viewer?.userId ?? null);
  }

  @RequiredAuth()
  @Post('video-comments/:videoId')
  @Idempotent()
  @Endpoint({
    status: 201,
    message: CommentsMessages.added,
    data: CommentResponse,
    errors: [...COMMENT_CONTENT_ERRORS, CommentsErrors.videoNotFound],
  })
  addToVideo(
    @Param('videoId') videoId: string,
    @Body() body: CommentContentDto,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<CommentResponse> {
    return this.comments.addToVideo(videoId, user.userId, body.content);
  }

  @OptionalAuth()
  @Get('post-comments/:postId')
  @Endpoint({
    message: CommentsMessages.postCommentsListed,
    data: CommentResponse,
    paginated: true,
    cursor: true,
    errors: [PaginationErrors.invalidCursor, CommentsErrors.postNotFound],
  })
  listForPost(
    @Param('postId') postId: string,
    @Query() query: ListPostCommentsQueryDto,
    @CurrentViewer() viewer: AuthPrincipal | null,
  ): Promise<CursorPaginated<CommentResponse>> {
    return this.comments.listForPost(postId, query, viewer?.userId ?? null);
  }

  @RequiredAuth()
  @Post('post-comments/:postId')
  @Idempotent()
  @Endpoint({
    status: 201,
    message: CommentsMessages.added,
    data: CommentResponse,
    errors: [...COMMENT_CONTENT_ERRORS, CommentsErrors.postNotFound],
  })
  addToPost(
    @Param('postId') postId: string,
    @Body() body: CommentContentDto,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<CommentResponse> {
    return this.comments.addToPost(postId, user.userId, body.content);
  }

  @RequiredAuth()
  @Post(':commentId/replies')
  @Idempotent()
  @Endpoint({
    status: 201,
    message: CommentsMessages.replyAdded,
    data: CommentResponse,
    errors: [...COMMENT_CONTENT_ERRORS, CommentsErrors.commentNotFound],
  })
  addReply(
    @Param('commentId') commentId: string,
    @Body() body: CommentContentDto,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<CommentResponse> {
    return this.comments.addReply(commentId, user.userId, body.content);
  }

  @OptionalAuth()
  @Get(':commentId/replies')
  @Endpoint({
    message: CommentsMessages.repliesListed,
    data: ReplyPageResponse,
    errors: [PaginationErrors.invalidCursor, CommentsErrors.commentNotFound],
  })
  listReplies(
    @Param('commentId') commentId: string,
    @Query() query: ListRepliesQueryDto,
    @CurrentViewer() viewer: AuthPrincipal | null,
  ): Promise<ReplyPageResponse> {
    return this.comments.listReplies(commentId, query, viewer?.userId ?? null);
  }

  @RequiredAuth()
  @Patch(':commentId')
  @Endpoint({
    message: CommentsMessages.updated,
    data: CommentResponse,
    errors: [
      ...COMMENT_CONTENT_ERRORS,
      CommentsErrors.notAuthorEdit,
      CommentsErrors.commentNotFound,
    ],
  })
  update(
    @Param('commentId') commentId: string,
    @Body() body: CommentContentDto,
    @CurrentUser() user: AuthPrincipal,
    @IfMatch(ITEM) precondition: WritePrecondition<CommentResponse> | null,
  ): Promise<CommentResponse> {
    return this.comments.update(commentId, user.userId, body.content, precondition);
  }

  @RequiredAuth()
  @Delete(':commentId')
  @Endpoint({
    message: CommentsMessages.deleted,
    data: null,
    errors: [CommentsErrors.notAuthorDelete, CommentsErrors.commentNotFound],
  })
  remove(@Param('commentId') commentId: string, @CurrentUser() user: AuthPrincipal): Promise<null> {
    return this.comments.remove(commentId, user.userId);
  }
}
