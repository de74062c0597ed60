import type { DashboardStatsResponse } from 'src/features/channel/dto/dashboard-stats.response';

export interface ChannelTotals {
  videosCount: number;
  totalViews: number;
  followersCount: number;
  totalLikes: number;
}

/** The dashboard totals, fields in their documented order. */
export function toDashboardStats(totals: ChannelTotals): DashboardStatsResponse {
  return {
    totalVideos: totals.videosCount,
    totalViews: totals.totalViews,
    totalFollowers: totals.followersCount,
    totalLikes: totals.totalLikes,
  };
}
