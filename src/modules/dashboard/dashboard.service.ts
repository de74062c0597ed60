import { Injectable } from '@nestjs/common';
import { ChannelStatsService } from 'src/modules/dashboard/channel-stats.service';
import { toDashboardStats } from 'src/modules/dashboard/dashboard.mapper';
import type { DashboardStatsResponse } from 'src/modules/dashboard/dto/dashboard-stats.response';

/** D1: the caller's channel, unpublished videos included. */
@Injectable()
export class DashboardService {
  constructor(private readonly channels: ChannelStatsService) {}

  async stats(userId: string): Promise<DashboardStatsResponse> {
    return toDashboardStats(await this.channels.channelTotals(userId));
  }
}
