import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { CursorParam } from 'src/common/dto/pagination-query.dto';
import { ToQueryInt } from 'src/common/validation/transforms.util';

const LIMIT_MESSAGE = 'limit must be an integer between 1 and 100';

/** A comment's replies: oldest first, `limit` per page, continued by an opaque `cursor`. */
export class ListRepliesQueryDto {
  @CursorParam()
  cursor?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 20 })
  @ToQueryInt()
  @IsInt({ message: LIMIT_MESSAGE })
  @Min(1, { message: LIMIT_MESSAGE })
  @Max(100, { message: LIMIT_MESSAGE })
  limit: number = 20;
}
