import { ApiProperty } from '@nestjs/swagger';

/** `PUT`/`DELETE /like/…` (docs/api.md#idempotent-state): whether the caller likes the target now, and its stored like count. */
export class LikeStateResponse {
  liked: boolean;

  @ApiProperty({ type: 'integer', minimum: 0 })
  likesCount: number;
}
