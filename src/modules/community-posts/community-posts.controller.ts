import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthPrincipal } from 'src/common/auth/auth-principal.type';
import { OptionalAuth, RequiredAuth } from 'src/common/decorators/auth-mode.decorator';
import { CurrentUser, CurrentViewer } from 'src/common/decorators/current-user.decorator';
import { Endpoint } from 'src/common/decorators/endpoint.decorator';
import type { CursorPaginated } from 'src/common/dto/paginated.util';
import { CursorPaginationQueryDto } from 'src/common/dto/pagination-query.dto';
import { PaginationErrors } from 'src/common/pagination/pagination.errors';
import { IfMatch, type WritePrecondition } from 'src/common/http/if-match.decorator';
import { ITEM } from 'src/common/http/representation.util';
import { Idempotent } from 'src/common/idempotency/idempotent.decorator';
import { CommunityPostsErrors } from 'src/modules/community-posts/community-posts.errors';
import { CommunityPostsMessages } from 'src/modules/community-posts/community-posts.messages';
import { CommunityPostsService } from 'src/modules/community-posts/community-posts.service';
import {
  POST_CONTENT_ERRORS,
  PostContentDto,
} from 'src/modules/community-posts/dto/post-content.dto';
import { PostResponse } from 'src/modules/community-posts/dto/post.response';

/**
 * `/communitypost`. `feed` and `user/:userId` win over the `:postId` routes by route specificity
 * (docs/api.md#paths). There is deliberately no `GET :postId`: it answers 404 `Route not found`.
 */
@ApiTags('Community post')
@Controller('communitypost')
export class CommunityPostsController {
  constructor(private readonly posts: CommunityPostsService) {}

  @RequiredAuth()
  @Post()
  @Idempotent()
  @Endpoint({
    status: 201,
    message: CommunityPostsMessages.created,
    data: PostResponse,
    errors: POST_CONTENT_ERRORS,
  })
  create(@Body() body: PostContentDto, @CurrentUser() user: AuthPrincipal): Promise<PostResponse> {
    return this.posts.create(user.userId, body.content);
  }

  @OptionalAuth()
  @Get('feed')
  @Endpoint({
    message: CommunityPostsMessages.feed,
    data: PostResponse,
    paginated: true,
    cursor: true,
    errors: [PaginationErrors.invalidCursor],
  })
  feed(
    @Query() query: CursorPaginationQueryDto,
    @CurrentViewer() viewer: AuthPrincipal | null,
  ): Promise<CursorPaginated<PostResponse>> {
    return this.posts.feed(query, viewer?.userId ?? null);
  }

  @OptionalAuth()
  @Get('user/:userId')
  @Endpoint({
    message: CommunityPostsMessages.listed,
    data: PostResponse,
    paginated: true,
    cursor: true,
    errors: [PaginationErrors.invalidCursor, CommunityPostsErrors.userNotFound],
  })
  listByUser(
    @Param('userId') userId: string,
    @Query() query: CursorPaginationQueryDto,
    @CurrentViewer() viewer: AuthPrincipal | null,
  ): Promise<CursorPaginated<PostResponse>> {
    return this.posts.listByUser(userId, query, viewer?.userId ?? null);
  }

  @RequiredAuth()
  @Patch(':postId')
  @Endpoint({
    message: CommunityPostsMessages.updated,
    data: PostResponse,
    errors: [
      ...POST_CONTENT_ERRORS,
      CommunityPostsErrors.notOwnerEdit,
      CommunityPostsErrors.postNotFound,
    ],
  })
  update(
    @Param('postId') postId: string,
    @Body() body: PostContentDto,
    @CurrentUser() user: AuthPrincipal,
    @IfMatch(ITEM) precondition: WritePrecondition<PostResponse> | null,
  ): Promise<PostResponse> {
    return this.posts.update(postId, user.userId, body.content, precondition);
  }

  @RequiredAuth()
  @Delete(':postId')
  @Endpoint({
    message: CommunityPostsMessages.deleted,
    data: null,
    errors: [CommunityPostsErrors.notOwnerDelete, CommunityPostsErrors.postNotFound],
  })
  remove(@Param('postId') postId: string, @CurrentUser() user: AuthPrincipal): Promise<null> {
    return this.posts.remove(postId, user.userId);
  }
}
