import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { CursorPaginationQueryDto } from 'src/common/dto/pagination-query.dto';
import type { SortOrder } from 'src/modules/follows/follow-records.type';

const SORT_FIELDS = ['createdAt'] as const;
const SORT_ORDERS: readonly SortOrder[] = ['asc', 'desc'];

/** The follower lists: only the follow time can be sorted on, newest first by default. */
export class ListFollowsQueryDto extends CursorPaginationQueryDto {
  @ApiPropertyOptional({ enum: SORT_FIELDS, default: 'createdAt', description: 'The follow time' })
  @IsIn(SORT_FIELDS, { message: 'sortBy must be one of createdAt' })
  sortBy: (typeof SORT_FIELDS)[number] = 'createdAt';

  @ApiPropertyOptional({ enum: SORT_ORDERS, default: 'desc' })
  @IsIn(SORT_ORDERS, { message: 'sortOrder must be one of asc, desc' })
  sortOrder: SortOrder = 'desc';
}
