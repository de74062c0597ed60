import { ApiProperty } from '@nestjs/swagger';

/** `PUT`/`DELETE /follower/:userId` (docs/api.md#idempotent-state): whether the caller follows the user now. */
export class FollowStateResponse {
  following: boolean;

  /** The user's followers, as stored right after the call. */
  @ApiProperty({ type: 'integer', minimum: 0 })
  followersCount: number;
}
