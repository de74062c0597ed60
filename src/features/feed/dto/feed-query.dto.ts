import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { CursorParam } from 'src/common/dto/pagination-query.dto';
import { ToQueryInt } from 'src/common/validation/transforms.util';

export const FEED_MAX_LIMIT = 50;
const LIMIT_MESSAGE = `limit must be an integer between 1 and ${FEED_MAX_LIMIT}`;

/** GET /feed/videos: the following feed, newest first, `limit` per page, continued by an opaque `cursor`. */
export class FeedQueryDto {
  @CursorParam()
  cursor?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: FEED_MAX_LIMIT, default: 20 })
  @ToQueryInt()
  @IsInt({ message: LIMIT_MESSAGE })
  @Min(1, { message: LIMIT_MESSAGE })
  @Max(FEED_MAX_LIMIT, { message: LIMIT_MESSAGE })
  limit: number = 20;
}
