import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ToQueryInt, ToStrictBoolean } from 'src/common/validation/transforms.util';

export const NOTIFICATIONS_MAX_LIMIT = 50;
const LIMIT_MESSAGE = `limit must be an integer between 1 and ${NOTIFICATIONS_MAX_LIMIT}`;

/** GET /notifications: newest action first, `limit` per page, continued by an opaque `cursor`. */
export class ListNotificationsQueryDto {
  @ApiPropertyOptional({
    type: Boolean,
    description: '`true`: unread only; `false`: read only; absent: all',
  })
  @IsOptional()
  @ToStrictBoolean()
  @IsBoolean({ message: 'unread must be true or false' })
  unread?: boolean;

  @ApiPropertyOptional({
    description: 'The `nextCursor` of the previous page; absent for the first page',
    maxLength: 512,
  })
  @IsOptional()
  @IsString({ message: 'cursor must be a string' })
  @MaxLength(512, { message: 'cursor must be at most 512 characters' })
  cursor?: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: NOTIFICATIONS_MAX_LIMIT,
    default: 20,
  })
  @ToQueryInt()
  @IsInt({ message: LIMIT_MESSAGE })
  @Min(1, { message: LIMIT_MESSAGE })
  @Max(NOTIFICATIONS_MAX_LIMIT, { message: LIMIT_MESSAGE })
  limit: number = 20;
}
