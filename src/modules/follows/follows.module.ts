import { Global, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { FollowCountsService } from 'src/modules/follows/follow-counts.service';
import { FollowsController } from 'src/modules/follows/follows.controller';
import { FollowsRepository } from 'src/modules/follows/follows.repository';
import { FollowsService } from 'src/modules/follows/follows.service';
import { Follow, FollowSchema } from 'src/modules/follows/schemas/follow.schema';
import { UsersModule } from 'src/modules/users/users.module';
import { OwnerFollowStatsPort } from 'src/modules/videos/ports/owner-follow-stats.port';

/**
 * Follows (§7). Global because videos (V4's owner figures) sit below this module and receive
 * `OwnerFollowStatsPort` without importing it; the dashboard and profile figures use
 * `FollowCountsService`.
 */
@Global()
@Module({
  imports: [MongooseModule.forFeature([{ name: Follow.name, schema: FollowSchema }]), UsersModule],
  controllers: [FollowsController],
  providers: [
    FollowsRepository,
    FollowsService,
    FollowCountsService,
    { provide: OwnerFollowStatsPort, useExisting: FollowCountsService },
  ],
  exports: [FollowCountsService, OwnerFollowStatsPort],
})
export class FollowsModule {}
