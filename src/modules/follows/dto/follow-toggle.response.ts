import { ApiProperty } from '@nestjs/swagger';

/** The follow toggle: the stored state right after the toggle. */
export class FollowToggleResponse {
  isFollowed: boolean;

  /** The target's followers, recounted after the toggle. */
  @ApiProperty({ type: 'integer', minimum: 0 })
  followersCount: number;
}
