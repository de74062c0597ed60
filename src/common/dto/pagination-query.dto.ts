import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { ToQueryInt } from 'src/common/validation/transforms.util';

const PAGE_MESSAGE = 'page must be an integer greater than or equal to 1';
const LIMIT_MESSAGE = 'limit must be an integer between 1 and 100';
/** Beyond any real list; keeps `skip` a small integer. */
const PAGE_MAX = 1_000_000;

/** `page` and `limit` of the paginated lists (docs/api.md#paginated-object), default limit 10. */
export class PaginationQueryDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: PAGE_MAX,
    default: 1,
    description: 'Page number, starting at 1',
  })
  @ToQueryInt()
  @IsInt({ message: PAGE_MESSAGE })
  @Min(1, { message: PAGE_MESSAGE })
  @Max(PAGE_MAX, { message: PAGE_MESSAGE })
  page: number = 1;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 100,
    default: 10,
    description: 'Items per page',
  })
  @ToQueryInt()
  @IsInt({ message: LIMIT_MESSAGE })
  @Min(1, { message: LIMIT_MESSAGE })
  @Max(100, { message: LIMIT_MESSAGE })
  limit: number = 10;
}

/** Plain-array lists (docs/api.md#plain-array-lists) default to 20 items, with the same rules. */
export class PlainListQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 100,
    default: 20,
    description: 'Items per page',
  })
  override limit: number = 20;
}
