import { CursorCodecService } from 'src/common/pagination/cursor-codec.service';
import { CursorPagesService } from 'src/common/pagination/cursor-pages.service';
import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { FollowCountsService } from 'src/modules/follows/follow-counts.service';
import { FollowStateService } from 'src/modules/follows/follow-state.service';
import { FollowsController } from 'src/modules/follows/follows.controller';
import { FollowsRepository } from 'src/modules/follows/follows.repository';
import { FollowsService } from 'src/modules/follows/follows.service';
import { Follow, FollowSchema } from 'src/modules/follows/schemas/follow.schema';
import { UsersModule } from 'src/modules/users/users.module';

/**
 * Follows: the relation and its endpoints (they need users only, whose channel counters they
 * keep), whether a viewer follows someone, which videos (the watch page's owner) and the
 * channel feature (profiles) show, and the relations counted per user for the counters
 * reconcile job.
 */
@Module({
  imports: [MongooseModule.forFeature([{ name: Follow.name, schema: FollowSchema }]), UsersModule],
  controllers: [FollowsController],
  providers: [
    CursorCodecService,
    CursorPagesService,
    FollowsRepository,
    FollowsService,
    FollowStateService,
    FollowCountsService,
  ],
  exports: [FollowStateService, FollowCountsService],
})
export class FollowsModule {}
