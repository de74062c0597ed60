import { ApiProperty } from '@nestjs/swagger';

/** `GET /user/:username`: a verified user's public profile. The email address is not part of it. */
export class UserProfileResponse {
  @ApiProperty({ example: '665f1c2e8b3f4a0012ab34cd' })
  _id: string;

  username: string;
  name: string;
  profileImage: string;

  /** `""` when unset. */
  bio: string;

  /** Always true: pending accounts have no profile. */
  isVerified: boolean;

  @ApiProperty({ format: 'date-time', example: '2026-02-20T10:15:30.123Z' })
  createdAt: string;

  @ApiProperty({ type: 'integer', minimum: 0 })
  followersCount: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  followingCount: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Published videos' })
  videosCount: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Sum of views over published videos' })
  totalViews: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Likes on published videos' })
  totalLikes: number;

  /** The caller follows this user; false for anonymous callers and for the user themself. */
  isFollowed: boolean;

  /** Same value as `isFollowed`, kept for compatibility. */
  isFollowedByMe: boolean;
}
