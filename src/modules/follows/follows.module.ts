import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { FollowCountsService } from 'src/modules/follows/follow-counts.service';
import { FollowsController } from 'src/modules/follows/follows.controller';
import { FollowsRepository } from 'src/modules/follows/follows.repository';
import { FollowsService } from 'src/modules/follows/follows.service';
import { Follow, FollowSchema } from 'src/modules/follows/schemas/follow.schema';
import { UsersModule } from 'src/modules/users/users.module';

/**
 * Follows: the relation, its endpoints (they need users only) and the follow figures that
 * videos (the watch page's owner) and the channel feature (profiles, dashboard) show.
 */
@Module({
  imports: [MongooseModule.forFeature([{ name: Follow.name, schema: FollowSchema }]), UsersModule],
  controllers: [FollowsController],
  providers: [FollowsRepository, FollowsService, FollowCountsService],
  exports: [FollowCountsService],
})
export class FollowsModule {}
