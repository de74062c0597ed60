import { Module } from '@nestjs/common';
import { ChannelFiguresService } from 'src/features/channel/channel-figures.service';
import { ChannelProfileController } from 'src/features/channel/channel-profile.controller';
import { DashboardController } from 'src/features/channel/dashboard.controller';
import { FollowsModule } from 'src/modules/follows/follows.module';
import { UsersModule } from 'src/modules/users/users.module';

/** A channel's figures: the public profile and the creator dashboard (the users' channel counters, follows). */
@Module({
  imports: [UsersModule, FollowsModule],
  controllers: [ChannelProfileController, DashboardController],
  providers: [ChannelFiguresService],
})
export class ChannelModule {}
