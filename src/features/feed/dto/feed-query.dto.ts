import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, Min, MaxLength } from 'class-validator';
import { ToQueryInt } from 'src/common/validation/transforms.util';

export const FEED_MAX_LIMIT = 50;
const LIMIT_MESSAGE = `limit must be an integer between 1 and ${FEED_MAX_LIMIT}`;

/** GET /feed/videos: the following feed, newest first, `limit` per page, continued by an opaque `cursor`. */
export class FeedQueryDto {
  @ApiPropertyOptional({
    description: 'The `nextCursor` of the previous page; absent for the first page',
    maxLength: 512,
  })
  @IsOptional()
  @IsString({ message: 'cursor must be a string' })
  @MaxLength(512, { message: 'cursor must be at most 512 characters' })
  cursor?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: FEED_MAX_LIMIT, default: 20 })
  @ToQueryInt()
  @IsInt({ message: LIMIT_MESSAGE })
  @Min(1, { message: LIMIT_MESSAGE })
  @Max(FEED_MAX_LIMIT, { message: LIMIT_MESSAGE })
  limit: number = 20;
}
