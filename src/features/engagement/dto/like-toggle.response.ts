import { ApiProperty } from '@nestjs/swagger';

/** L1–L3: the stored state right after the toggle, and the target's like count at that moment. */
export class LikeToggleResponse {
  isLiked: boolean;

  @ApiProperty({ type: 'integer', minimum: 0 })
  likesCount: number;
}
