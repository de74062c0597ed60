import { ApiProperty } from '@nestjs/swagger';

/** `GET /dashboard/stats`: the caller's totals, unpublished videos included; 0 when empty. */
export class DashboardStatsResponse {
  /** The caller's videos. */
  @ApiProperty({ type: 'integer', minimum: 0 })
  totalVideos: number;

  /** Sum of `views` over them. */
  @ApiProperty({ type: 'integer', minimum: 0 })
  totalViews: number;

  /** Follows pointing at the caller. */
  @ApiProperty({ type: 'integer', minimum: 0 })
  totalFollowers: number;

  /** Likes on the caller's videos (not on their comments or posts). */
  @ApiProperty({ type: 'integer', minimum: 0 })
  totalLikes: number;
}
