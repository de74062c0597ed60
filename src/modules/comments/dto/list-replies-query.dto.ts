import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ToQueryInt } from 'src/common/validation/transforms.util';

const LIMIT_MESSAGE = 'limit must be an integer between 1 and 100';

/** A comment's replies: oldest first, `limit` per page, continued by an opaque `cursor`. */
export class ListRepliesQueryDto {
  @ApiPropertyOptional({
    description: 'The `nextCursor` of the previous page; absent for the first page',
    maxLength: 512,
  })
  @IsOptional()
  @IsString({ message: 'cursor must be a string' })
  @MaxLength(512, { message: 'cursor must be at most 512 characters' })
  cursor?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 20 })
  @ToQueryInt()
  @IsInt({ message: LIMIT_MESSAGE })
  @Min(1, { message: LIMIT_MESSAGE })
  @Max(100, { message: LIMIT_MESSAGE })
  limit: number = 20;
}
