import { ApiProperty } from '@nestjs/swagger';

/** A like toggle's answer: the state right after it, and the target's like count at that moment. */
export class LikeToggleResponse {
  isLiked: boolean;

  @ApiProperty({ type: 'integer', minimum: 0 })
  likesCount: number;
}
