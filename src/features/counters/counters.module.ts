import { Module } from '@nestjs/common';
import { CountersReconcileScheduler } from 'src/features/counters/counters-reconcile.scheduler';
import { CountersReconcileService } from 'src/features/counters/counters-reconcile.service';
import { CommentsModule } from 'src/modules/comments/comments.module';
import { CommunityPostsModule } from 'src/modules/community-posts/community-posts.module';
import { FollowsModule } from 'src/modules/follows/follows.module';
import { LikesModule } from 'src/modules/likes/likes.module';
import { UsersModule } from 'src/modules/users/users.module';
import { VideosModule } from 'src/modules/videos/videos.module';

/**
 * The maintained counters' repair: the reconcile job (`CountersReconcileService`), its schedule,
 * and `npm run reconcile` (`reconcile.command.ts`). It compares each domain's stored counters with
 * the figures recounted in the domains that hold the truth (likes, follows, comments, videos).
 */
@Module({
  imports: [
    UsersModule,
    LikesModule,
    FollowsModule,
    VideosModule,
    CommunityPostsModule,
    CommentsModule,
  ],
  providers: [CountersReconcileService, CountersReconcileScheduler],
  exports: [CountersReconcileService],
})
export class CountersModule {}
