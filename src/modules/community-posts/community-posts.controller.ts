import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthPrincipal } from 'src/common/auth/auth-principal.type';
import { OptionalAuth, RequiredAuth } from 'src/common/decorators/auth-mode.decorator';
import { CurrentUser, CurrentViewer } from 'src/common/decorators/current-user.decorator';
import { ResponseMessage } from 'src/common/decorators/response-message.decorator';
import type { Paginated } from 'src/common/dto/paginated.util';
import { PaginationQueryDto } from 'src/common/dto/pagination-query.dto';
import { ApiErrors } from 'src/common/swagger/api-errors.decorator';
import { ApiSuccess } from 'src/common/swagger/api-success.decorator';
import { CommunityPostsService } from 'src/modules/community-posts/community-posts.service';
import { PostContentDto } from 'src/modules/community-posts/dto/post-content.dto';
import { PostResponse } from 'src/modules/community-posts/dto/post.response';

const POST_NOT_FOUND = ['NOT_FOUND: Post not found'];

/**
 * §8. `feed` and `user/:userId` are declared before the `:postId` routes so they win (§1.1).
 * There is deliberately no `GET :postId`: it answers 404 `Route not found`.
 */
@ApiTags('Community post')
@Controller('communitypost')
export class CommunityPostsController {
  constructor(private readonly posts: CommunityPostsService) {}

  @RequiredAuth()
  @Post()
  @HttpCode(201)
  @ResponseMessage('Community post created successfully')
  @ApiSuccess({ status: 201, message: 'Community post created successfully', data: PostResponse })
  @ApiErrors({
    400: [
      'VALIDATION_ERROR: Content is required',
      'VALIDATION_ERROR: Content must be at most 5000 characters',
    ],
  })
  create(@Body() body: PostContentDto, @CurrentUser() user: AuthPrincipal): Promise<PostResponse> {
    return this.posts.create(user.userId, body.content);
  }

  @OptionalAuth()
  @Get('feed')
  @ResponseMessage('Community feed fetched successfully')
  @ApiSuccess({
    message: 'Community feed fetched successfully',
    data: PostResponse,
    paginated: true,
  })
  @ApiErrors({})
  feed(
    @Query() query: PaginationQueryDto,
    @CurrentViewer() viewer: AuthPrincipal | null,
  ): Promise<Paginated<PostResponse>> {
    return this.posts.feed(query, viewer?.userId ?? null);
  }

  @OptionalAuth()
  @Get('user/:userId')
  @ResponseMessage('Community posts fetched successfully')
  @ApiSuccess({
    message: 'Community posts fetched successfully',
    data: PostResponse,
    paginated: true,
  })
  @ApiErrors({ 404: ['NOT_FOUND: User not found'] })
  listByUser(
    @Param('userId') userId: string,
    @Query() query: PaginationQueryDto,
    @CurrentViewer() viewer: AuthPrincipal | null,
  ): Promise<Paginated<PostResponse>> {
    return this.posts.listByUser(userId, query, viewer?.userId ?? null);
  }

  @RequiredAuth()
  @Patch(':postId')
  @ResponseMessage('Post updated successfully')
  @ApiSuccess({ message: 'Post updated successfully', data: PostResponse })
  @ApiErrors({
    400: [
      'VALIDATION_ERROR: Content is required',
      'VALIDATION_ERROR: Content must be at most 5000 characters',
    ],
    403: ['FORBIDDEN: You can only edit your own posts'],
    404: POST_NOT_FOUND,
  })
  update(
    @Param('postId') postId: string,
    @Body() body: PostContentDto,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<PostResponse> {
    return this.posts.update(postId, user.userId, body.content);
  }

  @RequiredAuth()
  @Delete(':postId')
  @ResponseMessage('Post deleted successfully')
  @ApiSuccess({ message: 'Post deleted successfully', data: null })
  @ApiErrors({ 403: ['FORBIDDEN: You can only delete your own posts'], 404: POST_NOT_FOUND })
  remove(@Param('postId') postId: string, @CurrentUser() user: AuthPrincipal): Promise<null> {
    return this.posts.remove(postId, user.userId);
  }
}
