import type { ChannelStatsService } from 'src/modules/dashboard/channel-stats.service';
import { DashboardService } from 'src/modules/dashboard/dashboard.service';

describe('DashboardService', () => {
  it('answers D1 from the channel’s totals over all of its videos', async () => {
    const channels: jest.Mocked<Pick<ChannelStatsService, 'channelTotals'>> = {
      channelTotals: jest.fn().mockResolvedValue({
        videosCount: 3,
        totalViews: 40,
        followersCount: 6,
        totalLikes: 9,
      }),
    };
    const sut = new DashboardService(channels as unknown as ChannelStatsService);
    expect(await sut.stats('u')).toEqual({
      totalVideos: 3,
      totalViews: 40,
      totalFollowers: 6,
      totalLikes: 9,
    });
    expect(channels.channelTotals).toHaveBeenCalledWith('u');
  });
});
