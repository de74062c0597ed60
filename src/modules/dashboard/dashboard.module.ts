import { Global, Module } from '@nestjs/common';
import { ChannelStatsService } from 'src/modules/dashboard/channel-stats.service';
import { DashboardController } from 'src/modules/dashboard/dashboard.controller';
import { DashboardService } from 'src/modules/dashboard/dashboard.service';
import { FollowsModule } from 'src/modules/follows/follows.module';
import { ProfileStatsPort } from 'src/modules/users/profile-stats.port';
import { VideosModule } from 'src/modules/videos/videos.module';

/**
 * D1, and the profile figures of U9. Global because users sit below this module and receive
 * `ProfileStatsPort` (its only export) without importing it. VideosService and the likes port
 * are looked up at init rather than injected (see ChannelStatsService): users' construction
 * must not wait for them.
 */
@Global()
@Module({
  imports: [FollowsModule, VideosModule],
  controllers: [DashboardController],
  providers: [
    ChannelStatsService,
    DashboardService,
    { provide: ProfileStatsPort, useExisting: ChannelStatsService },
  ],
  exports: [ProfileStatsPort],
})
export class DashboardModule {}
