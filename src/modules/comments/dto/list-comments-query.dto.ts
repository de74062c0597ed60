import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { CursorPaginationQueryDto } from 'src/common/dto/pagination-query.dto';

export type CommentSortOrder = 'asc' | 'desc';
const SORT_ORDERS: readonly CommentSortOrder[] = ['asc', 'desc'];
const SORT_ORDER_MESSAGE = 'sortOrder must be one of asc, desc';

/** A video's comments: newest first by default. */
export class ListVideoCommentsQueryDto extends CursorPaginationQueryDto {
  @ApiPropertyOptional({ enum: SORT_ORDERS, default: 'desc' })
  @IsIn(SORT_ORDERS, { message: SORT_ORDER_MESSAGE })
  sortOrder: CommentSortOrder = 'desc';
}

/** A post's comments: oldest first by default; the web client reverses the list, newest on top. */
export class ListPostCommentsQueryDto extends CursorPaginationQueryDto {
  @ApiPropertyOptional({ enum: SORT_ORDERS, default: 'asc' })
  @IsIn(SORT_ORDERS, { message: SORT_ORDER_MESSAGE })
  sortOrder: CommentSortOrder = 'asc';
}
