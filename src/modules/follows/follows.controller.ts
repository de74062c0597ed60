import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthPrincipal } from 'src/common/auth/auth-principal.type';
import { OptionalAuth, RequiredAuth } from 'src/common/decorators/auth-mode.decorator';
import { CurrentUser, CurrentViewer } from 'src/common/decorators/current-user.decorator';
import { ApiResult, ResponseMessage } from 'src/common/decorators/response-message.decorator';
import type { Paginated } from 'src/common/dto/paginated.util';
import { ApiErrors } from 'src/common/swagger/api-errors.decorator';
import { ApiSuccess } from 'src/common/swagger/api-success.decorator';
import { FollowItemResponse } from 'src/modules/follows/dto/follow-item.response';
import { FollowToggleResponse } from 'src/modules/follows/dto/follow-toggle.response';
import { ListFollowsQueryDto } from 'src/modules/follows/dto/list-follows-query.dto';
import {
  FOLLOWED_MESSAGE,
  FollowsService,
  UNFOLLOWED_MESSAGE,
} from 'src/modules/follows/follows.service';

const USER_NOT_FOUND = ['NOT_FOUND: User not found'];

/** §7. */
@ApiTags('Follower')
@Controller('follower')
export class FollowsController {
  constructor(private readonly follows: FollowsService) {}

  @RequiredAuth()
  @Post('toggle/:userId')
  @HttpCode(200)
  @ApiSuccess({ message: [FOLLOWED_MESSAGE, UNFOLLOWED_MESSAGE], data: FollowToggleResponse })
  @ApiErrors({ 400: ['BAD_REQUEST: You cannot follow yourself'], 404: USER_NOT_FOUND })
  toggle(
    @Param('userId') userId: string,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<ApiResult<FollowToggleResponse>> {
    return this.follows.toggle(user.userId, userId);
  }

  @OptionalAuth()
  @Get('followers/:userId')
  @ResponseMessage('Followers fetched successfully')
  @ApiSuccess({
    message: 'Followers fetched successfully',
    data: FollowItemResponse,
    paginated: true,
  })
  @ApiErrors({ 404: USER_NOT_FOUND })
  followers(
    @Param('userId') userId: string,
    @Query() query: ListFollowsQueryDto,
    @CurrentViewer() viewer: AuthPrincipal | null,
  ): Promise<Paginated<FollowItemResponse>> {
    return this.follows.listFollowers(userId, query, viewer?.userId ?? null);
  }

  @OptionalAuth()
  @Get('following/:userId')
  @ResponseMessage('Following list fetched successfully')
  @ApiSuccess({
    message: 'Following list fetched successfully',
    data: FollowItemResponse,
    paginated: true,
  })
  @ApiErrors({ 404: USER_NOT_FOUND })
  following(
    @Param('userId') userId: string,
    @Query() query: ListFollowsQueryDto,
    @CurrentViewer() viewer: AuthPrincipal | null,
  ): Promise<Paginated<FollowItemResponse>> {
    return this.follows.listFollowing(userId, query, viewer?.userId ?? null);
  }
}
