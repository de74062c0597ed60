import { ApiProperty } from '@nestjs/swagger';

/** F1: the stored state right after the toggle. */
export class FollowToggleResponse {
  isFollowed: boolean;

  /** The target's followers, recounted after the toggle. */
  @ApiProperty({ type: 'integer', minimum: 0 })
  followersCount: number;
}
