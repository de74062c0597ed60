import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthPrincipal } from 'src/common/auth/auth-principal.type';
import { RequiredAuth } from 'src/common/decorators/auth-mode.decorator';
import { CurrentUser } from 'src/common/decorators/current-user.decorator';
import { Endpoint } from 'src/common/decorators/endpoint.decorator';
import { PaginationErrors } from 'src/common/pagination/pagination.errors';
import { FeedPageResponse } from 'src/features/feed/dto/feed-page.response';
import { FeedQueryDto } from 'src/features/feed/dto/feed-query.dto';
import { FeedMessages } from 'src/features/feed/feed.messages';
import { FeedService } from 'src/features/feed/feed.service';

/** `/feed`: the following feed (docs/api.md#feed). */
@ApiTags('Feed')
@Controller('feed')
export class FeedController {
  constructor(private readonly feed: FeedService) {}

  @RequiredAuth()
  @Get('videos')
  @Endpoint({
    message: FeedMessages.videosListed,
    data: FeedPageResponse,
    errors: [PaginationErrors.invalidCursor],
  })
  videos(
    @Query() query: FeedQueryDto,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<FeedPageResponse> {
    return this.feed.page(user.userId, query);
  }
}
