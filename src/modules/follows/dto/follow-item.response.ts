import { ApiProperty } from '@nestjs/swagger';

/** FollowItem: one person in a followers or following list. */
export class FollowItemResponse {
  /** Id of the follow relation (kept for compatibility; use `userId` for the person). */
  @ApiProperty({ example: '665f1c2e8b3f4a0012ab34cd' })
  _id: string;

  /** The listed person. */
  @ApiProperty({ example: '665f1c2e8b3f4a0012ab34ce' })
  userId: string;

  username: string;
  name: string;
  profileImage: string;

  /** When the follow happened. */
  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  /** The caller follows the listed person; false for anonymous callers. */
  isFollowed: boolean;
}
