import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { SearchText } from 'src/common/validation/search-text.decorator';
import { CursorPaginationQueryDto } from 'src/common/dto/pagination-query.dto';
import { IsObjectId, OBJECT_ID_PATTERN } from 'src/common/validation/rules.util';
import type { SortOrder, VideoSortField } from 'src/modules/videos/video-records.type';

export const VIDEO_SORT_FIELDS: readonly VideoSortField[] = [
  'createdAt',
  'views',
  'duration',
  'title',
];
export const SORT_ORDERS: readonly SortOrder[] = ['asc', 'desc'];

/** `GET /video`. Defaults live here, so an omitted `sortBy` really is newest first. */
export class ListVideosQueryDto extends CursorPaginationQueryDto {
  @SearchText(
    'Literal, case-insensitive substring of the title or description; empty means no text filter',
  )
  query?: string;

  @ApiPropertyOptional({ enum: VIDEO_SORT_FIELDS, default: 'createdAt' })
  @IsIn(VIDEO_SORT_FIELDS, { message: 'sortBy must be one of createdAt, views, duration, title' })
  sortBy: VideoSortField = 'createdAt';

  @ApiPropertyOptional({ enum: SORT_ORDERS, default: 'desc' })
  @IsIn(SORT_ORDERS, { message: 'sortOrder must be one of asc, desc' })
  sortOrder: SortOrder = 'desc';

  /** Only this owner's published videos. */
  @ApiPropertyOptional({ pattern: OBJECT_ID_PATTERN })
  @IsOptional()
  @IsObjectId()
  userId?: string;
}
