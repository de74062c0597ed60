import { Controller, Delete, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthPrincipal } from 'src/common/auth/auth-principal.type';
import { RequiredAuth } from 'src/common/decorators/auth-mode.decorator';
import { CurrentUser } from 'src/common/decorators/current-user.decorator';
import { Endpoint } from 'src/common/decorators/endpoint.decorator';
import type { CursorPaginated } from 'src/common/dto/paginated.util';
import { CursorPaginationQueryDto } from 'src/common/dto/pagination-query.dto';
import { PaginationErrors } from 'src/common/pagination/pagination.errors';
import { HistoryItemResponse } from 'src/features/engagement/dto/history-item.response';
import { HistoryListService } from 'src/features/engagement/history-list.service';
import { WatchHistoryMessages } from 'src/features/engagement/watch-history.messages';

/** The caller's watch history under `/user`; the literal `history` wins over `:username` by route specificity. */
@ApiTags('User')
@Controller('user')
export class WatchHistoryController {
  constructor(private readonly history: HistoryListService) {}

  @RequiredAuth()
  @Get('history')
  @Endpoint({
    message: WatchHistoryMessages.listed,
    data: HistoryItemResponse,
    paginated: true,
    cursor: true,
    errors: [PaginationErrors.invalidCursor],
  })
  list(
    @Query() query: CursorPaginationQueryDto,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<CursorPaginated<HistoryItemResponse>> {
    return this.history.list(user.userId, query);
  }

  @RequiredAuth()
  @Delete('history')
  @Endpoint({ message: WatchHistoryMessages.cleared, data: null })
  clear(@CurrentUser() user: AuthPrincipal): Promise<null> {
    return this.history.clear(user.userId);
  }
}
