import { Controller, Delete, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthPrincipal } from 'src/common/auth/auth-principal.type';
import { OptionalAuth, RequiredAuth } from 'src/common/decorators/auth-mode.decorator';
import { CurrentUser, CurrentViewer } from 'src/common/decorators/current-user.decorator';
import { Endpoint } from 'src/common/decorators/endpoint.decorator';
import type { ApiResult } from 'src/common/decorators/response-message.decorator';
import type { CursorPaginated } from 'src/common/dto/paginated.util';
import { PaginationErrors } from 'src/common/pagination/pagination.errors';
import { FollowItemResponse } from 'src/modules/follows/dto/follow-item.response';
import { FollowStateResponse } from 'src/modules/follows/dto/follow-state.response';
import { FollowToggleResponse } from 'src/modules/follows/dto/follow-toggle.response';
import { ListFollowsQueryDto } from 'src/modules/follows/dto/list-follows-query.dto';
import { FollowsErrors } from 'src/modules/follows/follows.errors';
import { FollowsMessages } from 'src/modules/follows/follows.messages';
import { FollowsService } from 'src/modules/follows/follows.service';

/** `/follower`: the follow toggle, the follow state (PUT/DELETE) and the two follower lists. */
@ApiTags('Follower')
@Controller('follower')
export class FollowsController {
  constructor(private readonly follows: FollowsService) {}

  @RequiredAuth()
  @Post('toggle/:userId')
  @Endpoint({
    message: [FollowsMessages.followed, FollowsMessages.unfollowed],
    data: FollowToggleResponse,
    errors: [FollowsErrors.followSelf, FollowsErrors.userNotFound],
  })
  toggle(
    @Param('userId') userId: string,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<ApiResult<FollowToggleResponse>> {
    return this.follows.toggle(user.userId, userId);
  }

  // The idempotent state routes beside the toggle (docs/api.md#idempotent-state): PUT follows,
  // DELETE unfollows; repeating one changes nothing and answers the same.
  @RequiredAuth()
  @Put(':userId')
  @Endpoint({
    message: FollowsMessages.followed,
    data: FollowStateResponse,
    errors: [FollowsErrors.followSelf, FollowsErrors.userNotFound],
  })
  follow(
    @Param('userId') userId: string,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<FollowStateResponse> {
    return this.follows.setFollowing(user.userId, userId, true);
  }

  @RequiredAuth()
  @Delete(':userId')
  @Endpoint({
    message: FollowsMessages.unfollowed,
    data: FollowStateResponse,
    errors: [FollowsErrors.followSelf, FollowsErrors.userNotFound],
  })
  unfollow(
    @Param('userId') userId: string,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<FollowStateResponse> {
    return this.follows.setFollowing(user.userId, userId, false);
  }

  @OptionalAuth()
  @Get('followers/:userId')
  @Endpoint({
    message: FollowsMessages.followersListed,
    data: FollowItemResponse,
    paginated: true,
    cursor: true,
    errors: [PaginationErrors.invalidCursor, FollowsErrors.userNotFound],
  })
  followers(
    @Param('userId') userId: string,
    @Query() query: ListFollowsQueryDto,
    @CurrentViewer() viewer: AuthPrincipal | null,
  ): Promise<CursorPaginated<FollowItemResponse>> {
    return this.follows.listFollowers(userId, query, viewer?.userId ?? null);
  }

  @OptionalAuth()
  @Get('following/:userId')
  @Endpoint({
    message: FollowsMessages.followingListed,
    data: FollowItemResponse,
    paginated: true,
    cursor: true,
    errors: [PaginationErrors.invalidCursor, FollowsErrors.userNotFound],
  })
  following(
    @Param('userId') userId: string,
    @Query() query: ListFollowsQueryDto,
    @CurrentViewer() viewer: AuthPrincipal | null,
  ): Promise<CursorPaginated<FollowItemResponse>> {
    return this.follows.listFollowing(userId, query, viewer?.userId ?? null);
  }
}
