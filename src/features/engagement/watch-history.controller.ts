import { Controller, Delete, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthPrincipal } from 'src/common/auth/auth-principal.type';
import { RequiredAuth } from 'src/common/decorators/auth-mode.decorator';
import { CurrentUser } from 'src/common/decorators/current-user.decorator';
import { ResponseMessage } from 'src/common/decorators/response-message.decorator';
import type { Paginated } from 'src/common/dto/paginated.util';
import { PaginationQueryDto } from 'src/common/dto/pagination-query.dto';
import { ApiSuccess } from 'src/common/swagger/api-success.decorator';
import { HistoryItemResponse } from 'src/features/engagement/dto/history-item.response';
import { HistoryListService } from 'src/features/engagement/history-list.service';

/** The caller's watch history under `/user`; the literal `history` wins over `:username` by route specificity. */
@ApiTags('User')
@Controller('user')
export class WatchHistoryController {
  constructor(private readonly history: HistoryListService) {}

  @RequiredAuth()
  @Get('history')
  @ResponseMessage('Watch history fetched successfully')
  @ApiSuccess({
    message: 'Watch history fetched successfully',
    data: HistoryItemResponse,
    paginated: true,
  })
  list(
    @Query() query: PaginationQueryDto,
    @CurrentUser() user: AuthPrincipal,
  ): Promise<Paginated<HistoryItemResponse>> {
    return this.history.list(user.userId, query);
  }

  @RequiredAuth()
  @Delete('history')
  @ResponseMessage('Watch history cleared successfully')
  @ApiSuccess({ message: 'Watch history cleared successfully', data: null })
  clear(@CurrentUser() user: AuthPrincipal): Promise<null> {
    return this.history.clear(user.userId);
  }
}
